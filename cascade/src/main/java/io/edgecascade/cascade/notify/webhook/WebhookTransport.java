package io.edgecascade.cascade.notify.webhook;

import io.edgecascade.cascade.api.Deadline;
import io.edgecascade.cascade.notify.OutboxMessage;
import io.edgecascade.cascade.notify.Transport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

/**
 * Posts each message to the webhook's URL: the event's JSON as the body ({@code application/json}), or with a
 * snapshot a {@code multipart/form-data} body of two parts, {@code event} (the JSON) and {@code snapshot}
 * ({@code snapshot.jpg}, {@code image/jpeg}). Headers: the configured ones, {@code X-Edge-Cascade-Event} (the event id),
 * {@code X-Edge-Cascade-Message} (the message's id, the same on a message sent twice: a receiver drops an id it has
 * seen) and {@code X-Edge-Cascade-Signature} ({@link Signature}) when there is a secret.
 *
 * <p>Answers: 2xx sent; 408, 429, 5xx, a timeout or a broken connection an attempt (retried); any other status
 * (400, 401, 404, 3xx...) permanent: a dead letter at once; a connection refused, a name that does not resolve or no
 * route: unreachable (waits, uncounted).
 */
public final class WebhookTransport implements Transport {

    public static final String EVENT_HEADER = "X-Edge-Cascade-Event";
    /** The message's id ({@link io.edgecascade.cascade.notify.EventMessage#messageId()}): the same on a copy. */
    public static final String MESSAGE_HEADER = "X-Edge-Cascade-Message";

    private final WebhookSettings settings;
    private final HttpClient client;
    private volatile boolean reachable = true;

    public WebhookTransport(WebhookSettings settings) {
        this.settings = settings;
        this.client = HttpClient.newBuilder().connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public String connect() {
        reachable = true; // connectionless: the next send tells
        return null;
    }

    @Override
    public boolean connected() {
        return reachable;
    }

    /** The request body and its content type for a message. */
    record Body(byte[] bytes, String contentType) {
    }

    static Body body(OutboxMessage m) {
        if (m.attachment().length == 0) {
            return new Body(m.body(), "application/json");
        }
        String boundary = "edge-cascade-" + UUID.randomUUID();
        ByteArrayOutputStream out = new ByteArrayOutputStream(m.body().length + m.attachment().length + 512);
        part(out, boundary, "Content-Disposition: form-data; name=\"event\"\r\nContent-Type: application/json",
                m.body());
        part(out, boundary, "Content-Disposition: form-data; name=\"snapshot\"; filename=\"snapshot.jpg\"\r\n"
                + "Content-Type: image/jpeg", m.attachment());
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return new Body(out.toByteArray(), "multipart/form-data; boundary=" + boundary);
    }

    private static void part(ByteArrayOutputStream out, String boundary, String headers, byte[] content) {
        out.writeBytes(("--" + boundary + "\r\n" + headers + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(content);
        out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public Result send(OutboxMessage m) throws InterruptedException {
        Body body = body(m);
        HttpRequest.Builder b = HttpRequest.newBuilder(settings.url()).timeout(settings.timeout())
                .header("Content-Type", body.contentType())
                .header("User-Agent", "edge-cascade")
                .header(EVENT_HEADER, eventId(m.key()))
                .header(MESSAGE_HEADER, m.key())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.bytes()));
        for (Map.Entry<String, String> h : settings.headers().entrySet()) {
            b.header(h.getKey(), h.getValue());
        }
        if (settings.secret() != null) {
            b.header(Signature.HEADER, Signature.of(settings.secret(), body.bytes()));
        }
        HttpResponse<Void> response;
        try {
            response = client.send(b.build(), HttpResponse.BodyHandlers.discarding());
        } catch (HttpConnectTimeoutException e) {
            reachable = false;
            return new Result(Kind.UNREACHABLE, "CONNECT_TIMEOUT", "no connection within " + settings.timeout()
                    .toMillis() + " ms");
        } catch (HttpTimeoutException e) {
            return new Result(Kind.ATTEMPT, "TIMEOUT", "no answer within timeout_ms " + settings.timeout().toMillis());
        } catch (ConnectException | UnknownHostException | NoRouteToHostException e) {
            reachable = false;
            return new Result(Kind.UNREACHABLE, "UNREACHABLE", describe(e));
        } catch (IOException e) {
            return new Result(Kind.ATTEMPT, "IO", describe(e));
        }
        int status = response.statusCode();
        String code = Integer.toString(status);
        if (status >= 200 && status < 300) {
            return Result.SENT;
        }
        if (status == 408 || status == 429 || status >= 500) {
            return new Result(Kind.ATTEMPT, code, "the receiver answered " + status);
        }
        return new Result(Kind.PERMANENT, code, "the receiver answered " + status + "; it will not take this"
                + " message (check the URL, the headers and the receiver's log)");
    }

    /** The event id of a message id {@code <event id>/<type>/<frame time ms>}. */
    static String eventId(String messageId) {
        int last = messageId.lastIndexOf('/');
        int type = last <= 0 ? -1 : messageId.lastIndexOf('/', last - 1);
        return type <= 0 ? messageId : messageId.substring(0, type);
    }

    private static String describe(Exception e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }

    @Override
    public String describe() {
        return settings.describe();
    }

    @Override
    public void close(Deadline deadline) {
        // HttpClient has nothing to close on Java 17; its connections go with it
    }
}
