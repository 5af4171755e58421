import NIOCore

/// A task executor that runs jobs on one NIO event loop.
///
/// By default Swift Concurrency runs jobs on Dispatch's thread pool while sockets live on NIO's
/// event loops, so every await on I/O crosses between the two pools. (NIO's hook that replaces the
/// global executor has no effect with Swift 6.3 on Linux: profiles showed the jobs on Dispatch.)
/// A task that prefers this executor stays on the loop that reads and writes its socket.
public final class EventLoopTaskExecutor: TaskExecutor {
    public let eventLoop: any EventLoop

    public init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
