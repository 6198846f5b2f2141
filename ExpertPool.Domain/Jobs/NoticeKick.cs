using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Quartz;

namespace ExpertPool.Domain.Jobs;

/// <summary>
/// Asks the scheduler to send notices now instead of at the next interval, so an invitation leaves within a second of
/// the draw. Where no scheduler runs in this process (jobs in a separate Worker), the interval does the work.
/// </summary>
public sealed class NoticeKick(IServiceProvider services, ILogger<NoticeKick> logger)
{
    public async Task KickAsync(CancellationToken ct)
    {
        var factory = services.GetService<ISchedulerFactory>();
        if (factory is null)
            return;
        try
        {
            var scheduler = await factory.GetScheduler(ct);
            await scheduler.TriggerJob(SendNoticesJob.Key, ct);
        }
        catch (SchedulerException ex)
        {
            // The interval trigger still sends the notice; a failed kick only costs a few seconds.
            logger.LogWarning(ex, "Could not trigger the notice sender now; it runs at its next interval.");
        }
    }
}
