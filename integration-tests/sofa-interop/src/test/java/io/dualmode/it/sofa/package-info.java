/** The SOFARPC interop matrix over the SOFA example applications, sidecars and the registry. */
package io.dualmode.it.sofa;
