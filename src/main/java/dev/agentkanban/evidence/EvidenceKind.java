package dev.agentkanban.evidence;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;

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
        if (s == null) {
            return null;
        }
        String v = s.strip().toLowerCase(Locale.ROOT);
        for (EvidenceKind kind : values()) {
            if (kind.toString().equals(v)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("must be one of "
                + Arrays.stream(values()).map(EvidenceKind::toString).toList());
    }
}
