/// The coordinators' dashboard (issue #6): Swedish server-rendered pages over the coordinator's store.
public enum Dashboard {}
