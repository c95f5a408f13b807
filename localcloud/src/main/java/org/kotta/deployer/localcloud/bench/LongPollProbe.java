package org.kotta.deployer.localcloud.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * How soon a waiting long poll ({@code ReceiveMessage}, 20 s wait, as the executors poll) gets a
 * message sent while it waits, on a queue of its own: the local cloud's part of a job's pick-up
 * time. Real SQS answers a long poll as soon as a message arrives; MiniStack looks again every
 * 100 ms while it waits.
 */
final class LongPollProbe {
    static final int SAMPLES = 10;

    private LongPollProbe() {}

    static ObjectNode measure(SqsClient sqs, String prefix) throws Exception {
        String queue =
                sqs.createQueue(b -> b.queueName(prefix + "-long-poll-probe")).queueUrl();
        List<Double> delivered = new ArrayList<>();
        try {
            for (int i = 0; i < SAMPLES; i++) {
                long[] receivedAt = new long[1];
                CompletableFuture<List<Message>> poll = CompletableFuture.supplyAsync(() -> {
                    List<Message> messages = sqs.receiveMessage(b ->
                                    b.queueUrl(queue).maxNumberOfMessages(1).waitTimeSeconds(20))
                            .messages();
                    receivedAt[0] = System.nanoTime();
                    return messages;
                });
                // let the poll start waiting; vary the moment of the send across MiniStack's 100 ms loop
                Thread.sleep(300 + 37L * i);
                long sent = System.nanoTime();
                sqs.sendMessage(b -> b.queueUrl(queue).messageBody("probe"));
                List<Message> messages = poll.get(30, TimeUnit.SECONDS);
                if (messages.size() != 1) {
                    throw new IllegalStateException("the long poll returned no message");
                }
                delivered.add((receivedAt[0] - sent) / 1e6);
                sqs.deleteMessage(
                        b -> b.queueUrl(queue).receiptHandle(messages.get(0).receiptHandle()));
            }
        } finally {
            sqs.deleteQueue(b -> b.queueUrl(queue));
        }
        ObjectNode node = PlatformBench.samples(delivered);
        node.put(
                "how",
                SAMPLES + " × SendMessage while a ReceiveMessage (WaitTimeSeconds 20) waits on the same queue; "
                        + "ms from before SendMessage to the ReceiveMessage answer");
        return node;
    }
}
