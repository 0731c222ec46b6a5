'use strict';

// setupFiles of the integration-postgres jest project: the same integration tests, on PostgreSQL.
process.env.TEST_DB = 'postgres';
