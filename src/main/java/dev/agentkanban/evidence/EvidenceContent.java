package dev.agentkanban.evidence;

import java.util.Locale;

/**
 * The stored file of a piece of evidence, and how it may be served. Only types a browser renders
 * without running anything (images other than SVG, audio, plain text) are served as themselves and
 * inline; everything else leaves as {@code application/octet-stream} to be saved, so an upload can
 * never become a page of this site.
 */
record EvidenceContent(long id, String filename, String contentType, String sha256, long sizeBytes, byte[] bytes) {

    public boolean inline() {
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        return (type.startsWith("image/") && !type.startsWith("image/svg"))
                || type.startsWith("audio/")
                || type.equals("text/plain")
                || type.startsWith("text/plain;");
    }

    /** The Content-Type to serve. */
    public String servedType() {
        return inline() ? contentType : "application/octet-stream";
    }

    /** The file name to offer, never empty. */
    public String downloadName() {
        return filename == null || filename.isBlank() ? "evidence-" + id : filename;
    }
}
