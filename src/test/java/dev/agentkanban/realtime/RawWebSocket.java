package dev.agentkanban.realtime;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a plain socket, frame by frame: it sends what a browser does not (a message in
 * fragments, a binary frame) and reads the server's close frame exactly as it arrived, so a connection
 * that ends without one is an {@link java.io.EOFException}, not a code made up by a client library.
 */
final class RawWebSocket implements AutoCloseable {

    static final int CONTINUATION = 0;
    static final int TEXT = 1;
    static final int BINARY = 2;
    private static final int CLOSE = 8;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    /** Connects to {@code path} offering the token as subprotocols {@code bearer, <token>}. */
    RawWebSocket(int port, String path, String token) throws IOException {
        socket = new Socket("localhost", port);
        socket.setSoTimeout((int) LiveClient.WAIT.toMillis());
        in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost:" + port
                        + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                        + "Sec-WebSocket-Protocol: bearer, " + token + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        String status = line(in);
        if (!status.startsWith("HTTP/1.1 101")) {
            throw new IOException("handshake refused: " + status);
        }
        while (!line(in).isEmpty()) {
            // the response headers
        }
    }

    /** Sends {@code text} as one text frame. */
    void send(String text) throws IOException {
        send(TEXT, text.getBytes(StandardCharsets.UTF_8), true);
    }

    /** Sends one frame, masked as a client must; {@code last} false leaves the message to continue. */
    void send(int opcode, byte[] payload, boolean last) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write((last ? 0x80 : 0) | opcode);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length < 65_536) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xff);
        } else {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >>> shift) & 0xff);
            }
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        frame.write(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    /** Reads frames until a text frame containing {@code fragment}, and returns its text. */
    String awaitText(String fragment) throws IOException {
        while (true) {
            Frame f = frame();
            String text = new String(f.payload(), StandardCharsets.UTF_8);
            if (f.opcode() == CLOSE) {
                throw new IOException("closed while waiting for " + fragment + ": " + closeCode(f));
            }
            if (f.opcode() == TEXT && text.contains(fragment)) {
                return text;
            }
        }
    }

    /** Reads frames until the server's close frame, and answers the code it carries. */
    int awaitCloseCode() throws IOException {
        while (true) {
            Frame f = frame();
            if (f.opcode() == CLOSE) {
                return closeCode(f);
            }
        }
    }

    private static int closeCode(Frame f) {
        return f.payload().length < 2 ? 1005 : ((f.payload()[0] & 0xff) << 8) | (f.payload()[1] & 0xff);
    }

    private record Frame(int opcode, byte[] payload) {}

    /** A frame from the server: unmasked, so the length follows the opcode byte directly. */
    private Frame frame() throws IOException {
        int opcode = in.readUnsignedByte() & 0x0f;
        long length = in.readUnsignedByte() & 0x7f;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] payload = new byte[Math.toIntExact(length)];
        in.readFully(payload);
        return new Frame(opcode, payload);
    }

    /** One line of an HTTP head, without its end. */
    static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n' && b != -1; b = in.read()) {
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
