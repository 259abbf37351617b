package dev.agentkanban.transfer;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.LifecycleProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.support.AbstractApplicationContext;

/**
 * An import/export command ({@link TransferCli}, which sets {@code kanban.command}) runs without the
 * service's background loops (outbox dispatcher, rule engine, webhook and notification followers,
 * worker, ...): it only needs the database. Started, they did work of their own during the command and
 * were interrupted in the middle of a statement when it ended, which printed broken-connection stack
 * traces after a successful run. The events a command writes stay in the outbox, where the service's
 * followers (durable cursors) deliver them.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty("kanban.command")
class CommandLifecycle {

    @Bean(AbstractApplicationContext.LIFECYCLE_PROCESSOR_BEAN_NAME)
    static LifecycleProcessor lifecycleProcessor() {
        return new NothingStarted();
    }

    /** Starts no lifecycle bean on refresh, so it has none to stop on close. */
    static final class NothingStarted implements LifecycleProcessor {

        private volatile boolean running;

        @Override
        public void onRefresh() {
            running = true;
        }

        @Override
        public void onClose() {
            running = false;
        }

        @Override
        public void start() {
            running = true;
        }

        @Override
        public void stop() {
            running = false;
        }

        @Override
        public boolean isRunning() {
            return running;
        }
    }
}
