package dev.pier.runtime.protocol;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * How a front end answers an {@link InferenceService#inferAsync} future, the same way for every
 * transport: a request that completed at once (nothing batched) is answered on the thread that
 * submitted it, with no hand-off; one that waited for a batch is answered from the front end's
 * worker pool, never on the batch worker (a slow client must not stall a model). If the pool
 * refuses (shut down or full), the completing thread answers: an answer is never dropped.
 */
public final class Answering {
  private Answering() {}

  public static void whenDone(CompletableFuture<?> future, Executor workers, Runnable answer) {
    if (future.isDone()) {
      answer.run();
      return;
    }
    future.whenComplete(
        (result, failure) -> {
          try {
            workers.execute(answer);
          } catch (RejectedExecutionException refused) {
            answer.run();
          }
        });
  }
}
