/** Tests of the platform over real HTTP, against the embedded database and real PostgreSQL and MariaDB servers. */
package io.dualmode.platform;
