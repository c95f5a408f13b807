package org.kotta.platform.executor;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The pool's pending SQS queue as an executor uses it. A failed call is logged: the message
 * then comes back after its visibility timeout, where the job's record decides what happens.
 */
final class PendingQueue {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SqsClient sqs;
    private final String url;
    private final ExecutorContext context;

    PendingQueue(SqsClient sqs, String url, ExecutorContext context) {
        this.sqs = sqs;
        this.url = url;
        this.context = context;
    }

    /** One long poll for at most one message. */
    List<Message> receive(int waitSeconds) {
        return sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(1).waitTimeSeconds(waitSeconds))
                .messages();
    }

    void delete(String receipt) {
        if (receipt == null) {
            return;
        }
        try {
            sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(receipt));
        } catch (SdkException e) {
            context.log("-", "delete", "could not delete a message: " + e.getMessage());
        }
    }

    /** Keeps a message invisible for {@code seconds} from now; false (logged) when that failed. */
    boolean extend(String jobId, String receipt, int seconds) {
        try {
            sqs.changeMessageVisibility(
                    b -> b.queueUrl(url).receiptHandle(receipt).visibilityTimeout(seconds));
            return true;
        } catch (SdkException e) {
            context.log(jobId, "visibility", "could not keep its message invisible: " + e.getMessage());
            return false;
        }
    }

    /**
     * Hands a pending job back to the queue: a fresh {@code {"job_id"}} message, then the old one
     * deleted. Making the old message visible again would count one more receive each time, and a
     * job interrupted as often as the queue's {@code maxReceiveCount} would be dead-lettered while
     * still pending. When the send fails, the old message is made visible again instead.
     */
    void putBack(String jobId, String receipt) {
        if (receipt == null) {
            return;
        }
        try {
            sqs.sendMessage(b -> b.queueUrl(url).messageBody(messageBody(jobId)));
        } catch (SdkException e) {
            context.log(
                    jobId,
                    "put back",
                    "could not send a fresh message (" + e.getMessage() + "): making the old one visible again");
            release(receipt);
            return;
        }
        delete(receipt);
    }

    /** Makes a message visible again at once (another executor takes it). */
    void release(String receipt) {
        if (receipt != null) {
            extend("-", receipt, 0);
        }
    }

    /** The body of a job's message on a pending queue, as the web server sends it. */
    static String messageBody(String jobId) {
        return JSON.createObjectNode().put("job_id", jobId).toString();
    }
}
