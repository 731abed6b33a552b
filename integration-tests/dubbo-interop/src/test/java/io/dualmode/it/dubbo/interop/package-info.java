/** The Dubbo starter's interop matrix: the Dubbo examples as child JVMs, real registry, real sidecars. */
package io.dualmode.it.dubbo.interop;
