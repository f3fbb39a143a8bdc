package io.edgecascade.cloud;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Locale;

/**
 * Answers only the calls sent to one {@code :authority}, the way a KServe ingress (Istio, Kourier, an Ingress)
 * routes gRPC by the Host name rather than by the address it was reached at: any other authority gets NOT_FOUND
 * naming both. With it the reference server stands in for an InferenceService behind its ingress
 * ({@code edge-cascade cloud --authority NAME}), so an agent's {@code cloud.authority} can be checked without a
 * cluster. Host names compare case-insensitively; a port, when the route names one, must match too.
 */
final class AuthorityRoute implements ServerInterceptor {

    private final String authority;

    AuthorityRoute(String authority) {
        this.authority = authority.toLowerCase(Locale.ROOT);
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
            ServerCallHandler<Q, A> next) {
        String sent = call.getAuthority();
        if (sent != null && matches(sent.toLowerCase(Locale.ROOT))) {
            return next.startCall(call, headers);
        }
        call.close(Status.NOT_FOUND.withDescription("no route for authority '" + sent + "': this server answers"
                + " for '" + authority + "' (set cloud.authority to it)"), new Metadata());
        return new ServerCall.Listener<>() { };
    }

    private boolean matches(String sent) {
        if (sent.equals(authority)) {
            return true;
        }
        // "name" also matches "name:port" (clients add the port they dialled unless told otherwise)
        int colon = sent.lastIndexOf(':');
        return !authority.contains(":") && colon > 0 && !sent.endsWith("]") && sent.substring(0, colon).equals(authority);
    }
}
