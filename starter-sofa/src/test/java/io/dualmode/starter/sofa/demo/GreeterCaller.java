package io.dualmode.starter.sofa.demo;

import io.dualmode.starter.sofa.DualmodeSofaReference;

/** A bean whose field the starter fills with a SOFARPC reference. */
public class GreeterCaller {

    @DualmodeSofaReference(uniqueId = "${test.unique-id}", timeout = 2000)
    private Greeter greeter;

    /** The reference the starter injected. */
    public Greeter greeter() {
        return greeter;
    }
}
