package io.edgecascade.cascade.pipeline;

import java.util.List;

/**
 * The output thread: takes each frame the detector workers passed on (in each camera's capture order) and hands it to
 * every sink's own thread ({@link SinkRunner}), sharing the pixels between them. When its queue ends it ends the sinks'
 * queues; the sink threads then close their sinks in parallel.
 */
final class OutputStage implements Supervisor.StageBody {

    private final StageQueue<SharedFrame> in;
    private final List<SinkRunner> sinks;

    OutputStage(StageQueue<SharedFrame> in, List<SinkRunner> sinks) {
        this.in = in;
        this.sinks = List.copyOf(sinks);
    }

    @Override
    public void run() throws InterruptedException {
        SharedFrame f;
        while ((f = in.take()) != null) {
            f.holders().addAndGet(sinks.size());
            int handed = 0;
            try {
                for (SinkRunner s : sinks) {
                    s.offer(f); // from here the sink's thread (or offer itself) releases its hold
                    handed++;
                }
            } finally {
                for (int i = handed; i < sinks.size(); i++) {
                    f.release(); // interrupted before these sinks got it
                }
                f.release(); // the output stage's own hold
            }
        }
    }

    /** The input ended (or an Error ended the loop): frees what still waits and ends the sinks' queues. */
    @Override
    public void end() {
        for (SharedFrame left : in.abort()) {
            left.release();
        }
        for (SinkRunner s : sinks) {
            s.endQueue();
        }
    }
}
