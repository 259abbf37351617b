package dev.agentkanban.evidence;

import com.fasterxml.jackson.annotation.JsonValue;

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

    public static EvidenceKind fromWire(String s) {
        return valueOf(s.toUpperCase());
    }
}
