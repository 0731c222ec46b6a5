'use strict';
/* global jest */

// Booting Strapi on a fresh database (a Postgres schema above all) can outlast jest's 5 s default.
jest.setTimeout(60_000);
