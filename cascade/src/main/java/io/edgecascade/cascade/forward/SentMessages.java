package io.edgecascade.cascade.forward;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientStreamTracer;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.stub.AbstractStub;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many request messages of one call the transport sent. A call that fails while the channel is still
 * connecting sent none: its failure is the cloud's, not the record's ({@link FailureKind}). Attach one to a call
 * with {@link #attach}; the channel's stubs carry the {@link #INTERCEPTOR}.
 */
final class SentMessages {

    private static final CallOptions.Key<SentMessages> KEY = CallOptions.Key.create("edge-cascade-sent-messages");

    /** Adds a stream tracer to the calls that carry a {@link SentMessages}. */
    static final ClientInterceptor INTERCEPTOR = new ClientInterceptor() {
        @Override
        public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options,
                Channel next) {
            SentMessages sent = options.getOption(KEY);
            return next.newCall(method, sent == null ? options : options.withStreamTracerFactory(sent.factory));
        }
    };

    private final AtomicLong count = new AtomicLong();
    private final ClientStreamTracer.Factory factory = new ClientStreamTracer.Factory() {
        @Override
        public ClientStreamTracer newClientStreamTracer(ClientStreamTracer.StreamInfo info, Metadata headers) {
            return new ClientStreamTracer() {
                @Override
                public void outboundMessageSent(int seqNo, long wireSize, long uncompressedSize) {
                    count.accumulateAndGet(seqNo + 1L, Math::max);
                }
            };
        }
    };

    /** The stub's next call counts its sent messages here. */
    <S extends AbstractStub<S>> S attach(S stub) {
        return stub.withOption(KEY, this);
    }

    /** Messages the transport sent so far (the first {@code n} of the call). */
    long count() {
        return count.get();
    }

    /** Whether the message at {@code index} (0 = the call's first) was sent. */
    boolean sent(long index) {
        return index < count.get();
    }
}
