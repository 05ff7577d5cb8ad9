package dev.chatserver.realtime;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketIOChannelInitializer;
import com.corundumstudio.socketio.SocketIOServer;
import com.corundumstudio.socketio.scheduler.CancelableScheduler;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.Future;
import java.lang.reflect.Field;
import java.util.concurrent.TimeUnit;

/**
 * netty-socketio's server with event loop groups that stop after a 100 ms quiet period instead of Netty's
 * default 2 s per group, so Ctrl-C, SIGTERM and test restarts take well under a second. netty-socketio
 * keeps its groups in private fields and stops them with the no-argument {@code shutdownGracefully()}, so
 * the groups are set by reflection; if that ever fails, the stock groups are used.
 */
final class QuickStopSocketIOServer extends SocketIOServer {
    private final Configuration config;

    QuickStopSocketIOServer(Configuration configuration) {
        super(configuration);
        this.config = configuration;
    }

    /**
     * Replaces the pipeline factory, first stopping the timer of the default one that netty-socketio's
     * constructor made (it would otherwise leak a HashedWheelTimer thread per server).
     */
    @Override
    public void setPipelineFactory(SocketIOChannelInitializer factory) {
        try {
            Field current = SocketIOServer.class.getDeclaredField("pipelineFactory");
            current.setAccessible(true);
            Field timer = SocketIOChannelInitializer.class.getDeclaredField("scheduler");
            timer.setAccessible(true);
            ((CancelableScheduler) timer.get(current.get(this))).shutdown();
        } catch (ReflectiveOperationException | RuntimeException e) {
            // keep going: at worst one idle timer thread stays until exit
        }
        super.setPipelineFactory(factory);
    }

    @Override
    protected void initGroups() {
        try {
            set("bossGroup", new QuickStopGroup(config.getBossThreads()));
            set("workerGroup", new QuickStopGroup(config.getWorkerThreads()));
        } catch (ReflectiveOperationException | RuntimeException e) {
            super.initGroups();
        }
    }

    private void set(String field, EventLoopGroup group) throws ReflectiveOperationException {
        Field f = SocketIOServer.class.getDeclaredField(field);
        f.setAccessible(true);
        f.set(this, group);
    }

    private static final class QuickStopGroup extends NioEventLoopGroup {
        QuickStopGroup(int threads) {
            super(threads);
        }

        @Override
        public Future<?> shutdownGracefully() {
            return shutdownGracefully(100, 5_000, TimeUnit.MILLISECONDS);
        }
    }
}
