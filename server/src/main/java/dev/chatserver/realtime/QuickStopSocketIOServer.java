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
 * the groups are set by reflection; if that ever fails, the stock groups are used. With
 * {@code useLinuxNativeEpoll} the groups are Netty's native epoll ones (netty-socketio then binds an
 * {@code EpollServerSocketChannel}).
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
        if (config.isUseLinuxNativeEpoll()) {
            super.initGroups(); // Netty's EpollEventLoopGroup is final: stop() below shortens its quiet period
            return;
        }
        try {
            set("bossGroup", new QuickStopGroup(config.getBossThreads()));
            set("workerGroup", new QuickStopGroup(config.getWorkerThreads()));
        } catch (ReflectiveOperationException | RuntimeException e) {
            super.initGroups();
        }
    }

    /** Stops both groups with a 100 ms quiet period (at most 5 s each), then netty-socketio's own stop. */
    @Override
    public void stop() {
        for (String name : new String[] {"bossGroup", "workerGroup"}) {
            try {
                Field f = SocketIOServer.class.getDeclaredField(name);
                f.setAccessible(true);
                EventLoopGroup g = (EventLoopGroup) f.get(this);
                if (g != null) {
                    g.shutdownGracefully(100, 5_000, TimeUnit.MILLISECONDS).awaitUninterruptibly(6_000);
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                // netty-socketio's stop below still stops it, with Netty's default quiet period
            }
        }
        super.stop();
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
