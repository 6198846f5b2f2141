using System.Collections.Concurrent;
using System.Net.Mail;
using ExpertPool.Domain.Common;
using ExpertPool.Domain.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ExpertPool.Domain.Notices;

/// <summary>What one <see cref="OutboxSender.SendDueAsync"/> call did.</summary>
public sealed record OutboxSendResult(int Sent, int Retrying, int Failed)
{
    public int Claimed => Sent + Retrying + Failed;
}

/// <summary>
/// Sends due outbox messages.
/// <list type="number">
/// <item>Claim: one conditional UPDATE moves due Pending messages (and Sending ones whose lease ran out) to Sending with
/// <c>LockedUntil = now + SendLease</c> and a claim token unique to this round. A row another sender claimed first no
/// longer matches the condition, so two senders never hold the same message.</item>
/// <item>Send each claimed message, and record its outcome at once (Sent; or Attempts+1, LastError and NextAttemptAt with
/// capped exponential backoff; or Failed after MaxAttempts).</item>
/// </list>
/// A sender killed between sending and recording leaves its message in Sending; after the lease another round reclaims
/// it and sends it again with the same Message-ID. So a crash duplicates at most the messages that were in flight
/// (one per parallel lane, <see cref="MailOptions.MaxParallelSends"/>), each with its original Message-ID, and loses none.
/// </summary>
public sealed class OutboxSender(ExpertPoolDbContext db, IMailTransport transport, IOptions<MailOptions> options, TimeProvider clock, ILogger<OutboxSender> logger)
{
    private const int MaxRoundsPerCall = 50;

    public async Task<OutboxSendResult> SendDueAsync(CancellationToken cancellationToken)
    {
        var total = new OutboxSendResult(0, 0, 0);
        for (var round = 0; round < MaxRoundsPerCall; round++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (result, claimed) = await RoundAsync(cancellationToken);
            total = new OutboxSendResult(total.Sent + result.Sent, total.Retrying + result.Retrying, total.Failed + result.Failed);
            if (claimed < options.Value.BatchSize)
                break;
        }
        return total;
    }

    private async Task<(OutboxSendResult Result, int Claimed)> RoundAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var claimed = await ClaimAsync(o, cancellationToken);
        if (claimed.Messages.Count == 0)
            return (new OutboxSendResult(0, 0, 0), 0);

        var sent = 0;
        var retrying = 0;
        var failed = 0;
        var unsent = new ConcurrentBag<Guid>();
        using var dbGate = new SemaphoreSlim(1, 1);
        await Parallel.ForEachAsync(claimed.Messages, new ParallelOptions { MaxDegreeOfParallelism = o.MaxParallelSends }, async (message, _) =>
        {
            // Stop before the lease could run out mid-send (another sender would reclaim and resend), or when asked to.
            if (cancellationToken.IsCancellationRequested || clock.GetUtcNow().UtcDateTime + o.Smtp.Timeout >= claimed.LockedUntil)
            {
                unsent.Add(message.Id);
                return;
            }
            Exception? error = null;
            try
            {
                await transport.SendAsync(message, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                unsent.Add(message.Id);
                return;
            }
#pragma warning disable CA1031 // Any transport failure is recorded on the message and retried; none may stop the round.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                error = ex;
            }

            await dbGate.WaitAsync(CancellationToken.None);
            try
            {
                var outcome = error is null
                    ? await MarkSentAsync(message, claimed.Token)
                    : await MarkFailedAttemptAsync(message, claimed.Token, error, o);
                switch (outcome)
                {
                    case OutboxStatus.Sent: sent++; break;
                    case OutboxStatus.Pending: retrying++; break;
                    case OutboxStatus.Failed: failed++; break;
                }
            }
            finally
            {
                dbGate.Release();
            }
        });

        if (!unsent.IsEmpty)
            await ReleaseAsync([.. unsent], claimed.Token);
        cancellationToken.ThrowIfCancellationRequested();
        return (new OutboxSendResult(sent, retrying, failed), claimed.Messages.Count);
    }

    private sealed record Claim(string Token, DateTime LockedUntil, List<OutboxMessage> Messages);

    private async Task<Claim> ClaimAsync(MailOptions o, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var until = now + o.SendLease;
        var token = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
        var set = db.Set<OutboxMessage>();
        var ids = await Due(set, now).OrderBy(m => m.NextAttemptAt).Select(m => m.Id).Take(o.BatchSize).ToListAsync(ct);
        if (ids.Count == 0)
            return new Claim(token, until, []);

        // The due condition is repeated in the UPDATE: a row claimed by another sender since the SELECT no longer matches.
        await Due(set, now).Where(m => ids.Contains(m.Id)).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.Status, OutboxStatus.Sending)
            .SetProperty(m => m.LockedUntil, until)
            .SetProperty(m => m.LockedBy, token), ct);
        var messages = await set.AsNoTracking().Include(m => m.Attachments)
            .Where(m => m.LockedBy == token && m.Status == OutboxStatus.Sending)
            .OrderBy(m => m.NextAttemptAt).ToListAsync(ct);
        logger.LogDebug("Claimed {Count} notice(s) until {LockedUntil:o}.", messages.Count, until);
        return new Claim(token, until, messages);
    }

    private static IQueryable<OutboxMessage> Due(IQueryable<OutboxMessage> set, DateTime now) =>
        set.Where(m => (m.Status == OutboxStatus.Pending && m.NextAttemptAt <= now)
                    || (m.Status == OutboxStatus.Sending && m.LockedUntil < now));

    private async Task<OutboxStatus> MarkSentAsync(OutboxMessage message, string token)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        // Not cancellable: the mail is out, the row must say so or it will be sent again.
        await db.Set<OutboxMessage>().Where(m => m.Id == message.Id && m.LockedBy == token).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.Status, OutboxStatus.Sent)
            .SetProperty(m => m.SentAt, now)
            .SetProperty(m => m.Attempts, m => m.Attempts + 1)
            .SetProperty(m => m.LockedUntil, (DateTime?)null)
            .SetProperty(m => m.LockedBy, (string?)null), CancellationToken.None);
        logger.LogInformation("Notice {MessageId} ({Kind}) sent.", message.MessageId, message.Kind);
        return OutboxStatus.Sent;
    }

    private async Task<OutboxStatus> MarkFailedAttemptAsync(OutboxMessage message, string token, Exception error, MailOptions o)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var attempts = message.Attempts + 1;
        var status = attempts >= o.MaxAttempts ? OutboxStatus.Failed : OutboxStatus.Pending;
        var next = status == OutboxStatus.Failed ? now : now + Backoff(attempts, o);
        var description = Describe(error);
        await db.Set<OutboxMessage>().Where(m => m.Id == message.Id && m.LockedBy == token).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.Status, status)
            .SetProperty(m => m.Attempts, attempts)
            .SetProperty(m => m.NextAttemptAt, next)
            .SetProperty(m => m.LastError, description)
            .SetProperty(m => m.LockedUntil, (DateTime?)null)
            .SetProperty(m => m.LockedBy, (string?)null), CancellationToken.None);
        // The full text stays on the message, which only administrators read; the log gets it with every address
        // masked, since mail servers repeat the address they refused in their reply.
        var logged = PersonalData.MaskEmailsIn(description);
        if (status == OutboxStatus.Failed)
            logger.LogError("Notice {MessageId} ({Kind}) failed after {Attempts} attempts and is marked Failed: {Error}", message.MessageId, message.Kind, attempts, logged);
        else
            logger.LogWarning("Notice {MessageId} ({Kind}) attempt {Attempts} failed, next at {NextAttemptAt:o}: {Error}", message.MessageId, message.Kind, attempts, next, logged);
        return status;
    }

    private async Task ReleaseAsync(List<Guid> ids, string token) =>
        await db.Set<OutboxMessage>().Where(m => ids.Contains(m.Id) && m.LockedBy == token).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.Status, OutboxStatus.Pending)
            .SetProperty(m => m.LockedUntil, (DateTime?)null)
            .SetProperty(m => m.LockedBy, (string?)null), CancellationToken.None);

    /// <summary>Delay after the n-th failed attempt: base × 2^(n−1), at most the cap.</summary>
    public static TimeSpan Backoff(int failedAttempts, MailOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var exponent = Math.Clamp(failedAttempts - 1, 0, 30);
        var ticks = options.BackoffBase.Ticks * Math.Pow(2, exponent);
        return ticks >= options.BackoffCap.Ticks ? options.BackoffCap : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>Exception type, SMTP status and messages down the chain. Credentials never appear in these; recipients' addresses may (masked in the log).</summary>
    internal static string Describe(Exception error)
    {
        var parts = new List<string>();
        for (var e = error; e is not null; e = e.InnerException)
            parts.Add(e is SmtpException smtp ? $"{e.GetType().Name} ({smtp.StatusCode}): {e.Message}" : $"{e.GetType().Name}: {e.Message}");
        var text = string.Join(" ← ", parts);
        return text.Length <= OutboxMessage.LastErrorMax ? text : text[..(OutboxMessage.LastErrorMax - 1)] + "…";
    }
}
