using ExpertPool.Api.Security;
using ExpertPool.Domain.Common;
using ExpertPool.Domain.Notices;
using ExpertPool.Domain.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ExpertPool.Api.Notices;

public sealed record NoticeDto(
    Guid Id,
    string MessageId,
    NoticeKind Kind,
    string? CorrelationId,
    string RecipientEmail,
    string RecipientName,
    string Subject,
    OutboxStatus Status,
    int Attempts,
    DateTime CreatedAt,
    DateTime NextAttemptAt,
    DateTime? SentAt,
    string? LastError);

public static class NoticesEndpoints
{
    public static RouteGroupBuilder MapNotices(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/notices").WithTags("Notices").RequireAuthorization(Policies.Admin);
        group.MapGet("/", ListNotices).WithName(nameof(ListNotices));
        group.MapPost("/{id:guid}/retry", RetryNotice).WithName(nameof(RetryNotice));
        return group;
    }

    /// <summary>Outbox messages, newest first; by default the ones that need attention (Failed, Pending, Sending). Administrators only: recipients are personal data.</summary>
    public static async Task<Ok<List<NoticeDto>>> ListNotices(ExpertPoolDbContext db, string? status, string? correlationId, int? limit, CancellationToken ct)
    {
        OutboxStatus? wanted = null;
        if (!string.IsNullOrWhiteSpace(status))
        {
            wanted = EnumNames.TryParse<OutboxStatus>(status, out var parsed) ? parsed
                : throw new DomainValidationException("status", $"须为以下状态之一：{EnumNames.List<OutboxStatus>("、")} / must be one of {EnumNames.List<OutboxStatus>()}");
        }
        var query = db.Set<OutboxMessage>().AsNoTracking();
        query = wanted is { } s ? query.Where(m => m.Status == s) : query.Where(m => m.Status != OutboxStatus.Sent);
        if (!string.IsNullOrWhiteSpace(correlationId))
            query = query.Where(m => m.CorrelationId == correlationId);
        if (limit is < 1 or > 1000)
            throw new DomainValidationException("limit", "须为 1 至 1000 之间的整数 / must be a whole number from 1 to 1000");
        var take = limit ?? 200;
        var list = await query.OrderByDescending(m => m.CreatedAt).Take(take)
            .Select(m => new NoticeDto(m.Id, m.MessageId, m.Kind, m.CorrelationId, m.RecipientEmail, m.RecipientName, m.Subject, m.Status, m.Attempts, m.CreatedAt, m.NextAttemptAt, m.SentAt, m.LastError))
            .ToListAsync(ct);
        return TypedResults.Ok(list);
    }

    /// <summary>Puts a Failed notice back in the queue with a fresh set of attempts; the same Message-ID and content are sent.</summary>
    public static async Task<NoContent> RetryNotice(Guid id, ExpertPoolDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var message = await db.Set<OutboxMessage>().FirstOrDefaultAsync(m => m.Id == id, ct) ?? throw new NotFoundException("Notice", id);
        message.Requeue(clock.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }
}
