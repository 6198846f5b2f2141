using ExpertPool.Domain.Notices;
using Quartz;

namespace ExpertPool.Domain.Jobs;

/// <summary>Sends due outbox messages. Thin on purpose: the work, retries and claims are in <see cref="OutboxSender"/>.</summary>
[DisallowConcurrentExecution]
public sealed class SendNoticesJob(OutboxSender sender) : IJob
{
    public static readonly JobKey Key = new("send-notices", "notices");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await sender.SendDueAsync(cancellationToken);
}
