/** Test infrastructure shared by the sidecar's tests (BlockHound installation). */
package io.dualmode.sidecar.testing;
