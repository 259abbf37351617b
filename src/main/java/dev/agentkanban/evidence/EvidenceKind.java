package dev.agentkanban.evidence;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.agentkanban.platform.WireEnums;

/** What a piece of evidence is (seed 003: photo, note, voice, measurement; plus plain files and links). */
public enum EvidenceKind {
    PHOTO,
    NOTE,
    VOICE,
    MEASUREMENT,
    FILE,
    LINK;

    @JsonValue
    @Override
    public String toString() {
        return name().toLowerCase();
    }

    /** The wire name in any case (as a form upload's kind and a task's priority are taken). */
    @JsonCreator
    public static EvidenceKind fromWire(String s) {
        return WireEnums.named(EvidenceKind.class, s);
    }
}
