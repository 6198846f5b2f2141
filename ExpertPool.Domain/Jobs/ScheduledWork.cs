using ExpertPool.Domain.Draws;
using ExpertPool.Domain.Invitations;
using ExpertPool.Domain.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Quartz;

namespace ExpertPool.Domain.Jobs;

/// <summary>
/// Runs every due scheduled draw (a fresh scope per request, so one failure cannot spoil the next). A draw without
/// external entropy waits and the administrator is told once.
/// </summary>
public sealed class ScheduledDrawRunner(IServiceScopeFactory scopes, TimeProvider clock, ILogger<ScheduledDrawRunner> logger)
{
    public const string Actor = "scheduler";

    public async Task<int> RunDueAsync(CancellationToken ct)
    {
        List<Guid> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ExpertPoolDbContext>();
            var now = clock.GetUtcNow().UtcDateTime;
            // Every due request, not the oldest few: one waiting for its entropy (or failing) stays due on every run,
            // and a fixed window of them would keep a later request that is ready from ever being drawn. Due requests
            // are few (each is a panel waiting for its draw time).
            due = await db.PanelRequests.AsNoTracking()
                .Where(r => r.Status == PanelRequestStatus.Scheduled && r.ScheduledDrawAt <= now)
                .OrderBy(r => r.ScheduledDrawAt).Select(r => r.Id).ToListAsync(ct);
        }
        var drawn = 0;
        foreach (var id in due)
        {
            ct.ThrowIfCancellationRequested();
            await using var scope = scopes.CreateAsyncScope();
            try
            {
                await scope.ServiceProvider.GetRequiredService<DrawExecutor>().ExecuteAsync(id, Actor, ct);
                drawn++;
            }
            catch (DrawNotReadyException)
            {
                await using var notify = scopes.CreateAsyncScope();
                var db = notify.ServiceProvider.GetRequiredService<ExpertPoolDbContext>();
                var request = await db.PanelRequests.AsNoTracking().FirstAsync(r => r.Id == id, ct);
                await notify.ServiceProvider.GetRequiredService<InvitationService>().NotifyWaitingForEntropyAsync(request, ct);
            }
            catch (DrawTooLateException ex)
            {
                // Waited too long (for entropy, usually): the request is cancelled with the reason, so it stops being due
                // and the administrator sees why; a new request gets a new nonce and a new draw time.
                try
                {
                    await using var cancel = scopes.CreateAsyncScope();
                    await cancel.ServiceProvider.GetRequiredService<PanelRequestService>().CancelAsync(id, ex.Message, Actor, ct);
                    logger.LogWarning("Scheduled draw {PanelRequestId} cancelled: {Reason}", id, ex.Message);
                }
                catch (Exception cancelFailed) when (cancelFailed is not OperationCanceledException)
                {
                    // Cancelled by an administrator or another worker at the same moment; the other draws go on.
                    logger.LogInformation(cancelFailed, "Scheduled draw {PanelRequestId} could not be cancelled by the scheduler.", id);
                }
            }
            catch (Common.DomainConflictException ex)
            {
                // Drawn meanwhile by an administrator or another worker: nothing to do.
                logger.LogInformation("Scheduled draw {PanelRequestId} skipped: {Reason}", id, ex.Message);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One broken request must not hold up the draws scheduled after it; it is retried on the next run.
                logger.LogError(ex, "Scheduled draw {PanelRequestId} failed; the others go on.", id);
            }
        }
        return drawn;
    }
}

/// <summary>Executes due draws.</summary>
[DisallowConcurrentExecution]
public sealed class RunScheduledDrawsJob(ScheduledDrawRunner runner) : IJob
{
    public static readonly JobKey Key = new("run-scheduled-draws", "draws");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await runner.RunDueAsync(cancellationToken);
}

/// <summary>Expires unanswered invitations (inviting the next backup), gives up seats still held by experts no longer Active, queues reminders, and tells the administrator of complete panels a race left untold.</summary>
[DisallowConcurrentExecution]
public sealed class ProcessInvitationsJob(InvitationService invitations, NoticeKick kick) : IJob
{
    public static readonly JobKey Key = new("process-invitations", "invitations");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var expired = await invitations.ExpireDueAsync(cancellationToken);
        var released = await invitations.ReleaseSeatsOfInactiveAsync(cancellationToken);
        var reminded = await invitations.RemindDueAsync(cancellationToken);
        var completed = await invitations.NotifyCompletePanelsAsync(cancellationToken);
        if (expired + released + reminded + completed > 0)
            await kick.KickAsync(cancellationToken);
    }
}
