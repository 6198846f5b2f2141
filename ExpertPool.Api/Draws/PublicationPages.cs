using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text;
using ExpertPool.Api.Extensions;
using ExpertPool.Domain.Common;
using ExpertPool.Domain.Draws;
using ExpertPool.Domain.Invitations;
using ExpertPool.Domain.Notices;
using ExpertPool.Domain.Organisations;
using ExpertPool.Domain.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ExpertPool.Api.Draws;

/// <summary>
/// The public result pages (section <c>Publication</c>). An agency that publishes through its own portal switches them
/// off; every <c>/public/draws</c> address then answers 404 with a page that says so and links to
/// <see cref="PublishedAt"/> when given.
/// </summary>
public sealed class PublicationOptions : IValidatableObject
{
    public const string Section = "Publication";

    public bool Enabled { get; set; } = true;

    /// <summary>Where the agency publishes its results instead (an absolute http or https address), or empty.</summary>
    public string? PublishedAt { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (PublishedAt is { Length: > 0 } url && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)))
            yield return new ValidationResult($"Publication:PublishedAt must be an absolute http or https address, not '{url}'.", [nameof(PublishedAt)]);
    }
}

/// <summary>
/// 一公开: the published results, without an API key. A draw appears once its project's review has started (until then
/// the panel is sealed, decision 005): the project, the supervisor, the commitment and what it revealed, the external
/// entropy, the hashes of the frozen pool and of the record, the panel that served the project (the experts who
/// confirmed in any of its draws, backups and supplementary draws included) with name, employer and title only, and
/// every attempt for the project (drawn, failed, cancelled, withdrawn) with its reasons. No ID number, phone, email, pool or exclusion evidence: those
/// stay with administrators and auditors, who can export the record and re-run it (docs/draw-algorithm.md).
/// Chinese first, English second.
/// </summary>
public static class PublicationPages
{
    public const int PageSize = 50;

    public static IServiceCollection AddPublicationPages(this IServiceCollection services)
    {
        services.AddOptions<PublicationOptions>().BindConfiguration(PublicationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        return services;
    }

    public static IEndpointRouteBuilder MapPublicationPages(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/public/draws").WithTags("Published draws").ExcludeFromDescription().AllowAnonymous();
        group.AddEndpointFilter(async (context, next) =>
        {
            var options = context.HttpContext.RequestServices.GetRequiredService<IOptions<PublicationOptions>>().Value;
            var result = options.Enabled ? await next(context) : SwitchedOff(options);
            var headers = context.HttpContext.Response.Headers;
            // A "sealed" answer must not outlive the review's start in a shared cache.
            headers.CacheControl = result is IStatusCodeHttpResult { StatusCode: StatusCodes.Status404NotFound } ? "no-cache" : "public, max-age=300";
            headers["X-Content-Type-Options"] = "nosniff";
            return result;
        });
        group.MapGet("/", ListPublished);
        group.MapGet("/{id:guid}", ShowPublished);
        return app;
    }

    /// <summary>The page every public address answers when the agency publishes its results elsewhere.</summary>
    private static IResult SwitchedOff(PublicationOptions options)
    {
        var elsewhere = options.PublishedAt is { Length: > 0 } url
            ? $"""<p><a id="elsewhere" href="{E(url)}">抽取结果公示 Published results: {E(url)}</a></p>"""
            : "";
        return HtmlPage.Render("未开放 Not available",
            $"""<p class="state" id="switched-off">本服务未开放抽取结果公示页面，结果由本机构另行公示。<br>This service does not publish draw results itself; the agency publishes them elsewhere.</p>{elsewhere}""",
            StatusCodes.Status404NotFound);
    }

    /// <summary>Published draws, newest review first, <see cref="PageSize"/> a page.</summary>
    public static async Task<IResult> ListPublished(string? page, ExpertPoolDbContext db, TimeProvider clock, CancellationToken ct)
    {
        // A page number typed or cut in the address gets a page that says so, not a JSON problem document.
        int? number = null;
        if (!string.IsNullOrEmpty(page))
        {
            if (!int.TryParse(page, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed) || parsed < 1)
                return HtmlPage.Render("页码无效 Invalid page",
                    """<p class="error" id="bad-page">页码应为正整数。<br>The page number must be a positive whole number.</p><p><a href="/public/draws">全部公示 All published draws</a></p>""",
                    StatusCodes.Status400BadRequest);
            number = parsed;
        }
        var p = Math.Min(number ?? 1, 100_000);
        var now = clock.GetUtcNow().UtcDateTime;
        var published = Published(db, now);
        var total = await published.CountAsync(ct);
        var rows = await published
            .OrderByDescending(x => x.Project.ReviewStartsAt).ThenByDescending(x => x.Record.ExecutedAt).ThenBy(x => x.Record.Id)
            .Skip((p - 1) * PageSize).Take(PageSize)
            .Select(x => new
            {
                x.Record.Id, x.Project.Code, x.Project.Name, x.Project.EngagementType, x.Project.ReviewStartsAt, x.Record.ExecutedAt,
                Supplementary = db.PanelRequests.Any(r => r.Id == x.Record.PanelRequestId && r.Supplementary),
                Withdrawn = db.DrawWithdrawals.Any(w => w.DrawRecordId == x.Record.Id),
                x.Record.Outcome,
            })
            .ToListAsync(ct);
        var body = new StringBuilder();
        body.Append("""<p>评审开始后，每次抽取的结果在此公示。<br>Once a review has started, the result of its draw is published here.</p>""");
        if (rows.Count == 0)
        {
            body.Append("""<p class="state" id="empty">暂无公示结果。<br>Nothing has been published yet.</p>""");
        }
        else
        {
            body.Append("""<table class="list" id="draws"><tr><th>项目编号<br>Code</th><th>项目名称<br>Project</th><th>类型<br>Type</th><th>评审时间<br>Review</th><th>抽取时间<br>Drawn</th></tr>""");
            foreach (var r in rows)
            {
                var (zh, en) = NoticeTemplates.EngagementName(r.EngagementType.ToString());
                var mark = (r.Supplementary ? "<br>补抽 supplementary" : "") + (r.Withdrawn ? "<br>已撤回 withdrawn" : "")
                    + (r.Outcome == DrawRecordOutcome.Failed ? """<br><span class="failed">抽取失败 failed</span>""" : "");
                body.Append(CultureInfo.InvariantCulture, $"""<tr><td><a href="/public/draws/{r.Id}">{E(r.Code)}</a>{mark}</td><td>{E(r.Name)}</td><td>{E(zh)}<br>{E(en)}</td><td>{Time(r.ReviewStartsAt)}</td><td>{Time(r.ExecutedAt)}</td></tr>""");
            }
            body.Append("</table>");
            var pages = (total + PageSize - 1) / PageSize;
            if (pages > 1)
            {
                body.Append(CultureInfo.InvariantCulture, $"""<p class="hint">第 {p} / {pages} 页，共 {total} 条 · Page {p} of {pages}, {total} draws.""");
                if (p > 1)
                    body.Append(CultureInfo.InvariantCulture, $""" <a href="/public/draws?page={p - 1}">上一页 Previous</a>""");
                if (p < pages)
                    body.Append(CultureInfo.InvariantCulture, $""" <a href="/public/draws?page={p + 1}">下一页 Next</a>""");
                body.Append("</p>");
            }
        }
        return HtmlPage.Render("抽取结果公示 Published draws", body.ToString(), indexable: true);
    }

    /// <summary>One published draw; 404 (a clear page) for an unknown id or a draw whose panel is still sealed.</summary>
    public static async Task<IResult> ShowPublished(Guid id, ExpertPoolDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var found = await Published(db, now).Where(x => x.Record.Id == id).FirstOrDefaultAsync(ct);
        if (found is null)
        {
            return HtmlPage.Render("未找到 Not found",
                """<p class="error" id="not-found">没有这条公示：编号有误，或评审尚未开始（评审开始前名单保密）。<br>No such published draw: the id is wrong, or the review has not started yet (the panel is sealed until then).</p><p><a href="/public/draws">全部公示 All published draws</a></p>""",
                StatusCodes.Status404NotFound);
        }
        var (record, project) = (found.Record, found.Project);
        var entropy = await db.DrawEntropies.AsNoTracking().InEntryOrder(record.PanelRequestId).Select(e => new { e.Source, e.Value }).ToListAsync(ct);
        // The panel that served the project: confirmed invitations of every draw of it (a supplementary draw fills
        // seats of the first one), members and backups who filled a seat. Withdrawn draws have none left.
        var panel = await (
            from i in db.Invitations.AsNoTracking()
            where i.ProjectId == project.Id && i.Status == InvitationStatus.Confirmed
            // Only seats the verified record holds: the invitation must name the expert the record drew for that seat.
            join s in db.DrawSelections.AsNoTracking() on new { i.DrawRecordId, i.QuotaKey, Role = i.DrawnAs, Rank = i.DrawnRank, i.ExpertId }
                equals new { s.DrawRecordId, s.QuotaKey, s.Role, s.Rank, s.ExpertId }
            join e in db.Experts.AsNoTracking() on i.ExpertId equals e.Id
            join o in db.Organisations.AsNoTracking() on e.EmployerId equals o.Id
            select new { i.DrawRecordId, i.QuotaKey, i.DrawnAs, i.DrawnRank, i.ExpertId, e.Name, e.Title, Employer = o.Name })
            .ToListAsync(ct);
        var registered = await RegisteredAtDrawAsync(db, panel.Select(m => (m.ExpertId, m.DrawRecordId)).ToList(), ct);
        // Every attempt for the project, in order: drawn, failed or cancelled, with its reasons (each is kept; a re-draw
        // names the one it replaced), so the public sees that no result was set aside for a better one.
        var attempts = await db.PanelRequests.AsNoTracking().Where(r => r.ProjectId == project.Id).OrderBy(r => r.CreatedAt).ThenBy(r => r.Id)
            .Select(r => new
            {
                r.Id, r.Status, r.Supplementary, r.CreatedAt, r.ScheduledDrawAt, r.DrawnAt, r.CancelledAt, r.CancelReason, r.FailureReason, r.RedrawReason, r.SupersedesRequestId,
                DrawId = db.DrawRecords.Where(d => d.PanelRequestId == r.Id).Select(d => (Guid?)d.Id).FirstOrDefault(),
                Withdrawn = db.DrawRecords.Where(d => d.PanelRequestId == r.Id).Any(d => db.DrawWithdrawals.Any(w => w.DrawRecordId == d.Id)),
            })
            .ToListAsync(ct);
        var withdrawal = await db.DrawWithdrawals.AsNoTracking().Where(w => w.DrawRecordId == record.Id).Select(w => new { w.WithdrawnAt, w.Reason }).FirstOrDefaultAsync(ct);
        var (typeZh, typeEn) = NoticeTemplates.EngagementName(project.EngagementType.ToString());

        var body = new StringBuilder();
        body.Append(CultureInfo.InvariantCulture, $"""
            <table>
              <tr><th>项目编号 Code</th><td id="project-code">{E(project.Code)}</td></tr>
              <tr><th>项目名称 Project</th><td>{E(project.Name)}</td></tr>
              <tr><th>类型 Type</th><td>{E(typeZh)} / {E(typeEn)}</td></tr>
              <tr><th>评审时间 Review</th><td>{Time(project.ReviewStartsAt)}</td></tr>
              <tr><th>地点 Place</th><td>{E(project.Place)}</td></tr>
              <tr><th>监督人 Supervisor</th><td id="supervisor">{E(record.SupervisorName)}</td></tr>
              <tr><th>抽取时间 Drawn at</th><td>{Time(record.ExecutedAt)}</td></tr>
              <tr><th>符合条件 / 回避<br>Eligible / excluded</th><td>{record.EligibleTotal} / {record.ExcludedTotal}</td></tr>
            </table>
            """);
        if (withdrawal is not null)
        {
            body.Append(CultureInfo.InvariantCulture, $"""<p class="state" id="withdrawn">该抽取已于 {Time(withdrawal.WithdrawnAt)} 撤回：{E(PersonalData.MaskIn(withdrawal.Reason))}<br>This draw was withdrawn on {Time(withdrawal.WithdrawnAt)}: {E(PersonalData.MaskIn(withdrawal.Reason))}</p>""");
        }

        body.Append("""<h2>专家名单 Panel</h2>""");
        if (record.Outcome == DrawRecordOutcome.Failed)
        {
            body.Append(CultureInfo.InvariantCulture, $"""<p class="state" id="failed">本次抽取因符合条件的专家不足而失败，未产生专家名单。<br>This draw failed: too few eligible experts, so it made no panel.</p><p>{E(record.FailureReason ?? "")}</p>""");
        }
        else if (panel.Count == 0)
        {
            body.Append("""<p id="panel-empty">没有确认参加的专家。<br>No expert confirmed.</p>""");
        }
        else
        {
            body.Append("""<table class="list" id="panel"><tr><th>名额<br>Quota</th><th>姓名<br>Name</th><th>工作单位<br>Employer</th><th>职称<br>Title</th><th>抽中为<br>Drawn as</th></tr>""");
            var drawOrder = attempts.Where(a => a.DrawId is not null).Select(a => a.DrawId!.Value).ToList();
            foreach (var m in panel.OrderBy(m => drawOrder.IndexOf(m.DrawRecordId)).ThenBy(m => m.QuotaKey, StringComparer.Ordinal).ThenBy(m => m.DrawnAs).ThenBy(m => m.DrawnRank))
            {
                var drawnAs = m.DrawnAs == SelectionRole.Member ? $"正选 {m.DrawnRank}<br>member {m.DrawnRank}" : $"候补 {m.DrawnRank}（递补）<br>backup {m.DrawnRank} (filled a seat)";
                if (m.DrawRecordId != record.Id)
                    drawnAs += $"""<br><a href="/public/draws/{m.DrawRecordId}">另一次抽取 another draw</a>""";
                var (employer, title) = registered.TryGetValue((m.ExpertId, m.DrawRecordId), out var then) ? then : (m.Employer, m.Title);
                body.Append(CultureInfo.InvariantCulture, $"""<tr><td>{E(m.QuotaKey)}</td><td class="name">{E(m.Name)}</td><td>{E(employer)}</td><td>{E(title)}</td><td>{drawnAs}</td></tr>""");
            }
            body.Append("</table>");
            body.Append("""<p class="hint">工作单位与职称为抽取时的登记信息。<br>Employer and title as registered when the seat's draw was made.</p>""");
        }

        body.Append("""<h2>本项目的全部抽取 Every attempt for this project</h2><table class="list" id="attempts"><tr><th>承诺（安排）时间<br>Committed (scheduled)</th><th>计划抽取时间<br>Draw due</th><th>结果<br>Outcome</th><th>说明<br>Notes</th></tr>""");
        foreach (var a in attempts)
        {
            var (zh, en) = a.Withdrawn ? ("已抽取，后撤回", "drawn, then withdrawn") : a.Status switch
            {
                PanelRequestStatus.Drawn => ("已抽取", "drawn"),
                PanelRequestStatus.Failed => ("抽取失败（人数不足）", "failed (too few eligible experts)"),
                PanelRequestStatus.Cancelled => ("已取消", "cancelled"),
                _ => ("待抽取", "scheduled"),
            };
            var outcome = $"{E(zh)}<br>{E(en)}" + (a.Supplementary ? "<br>补抽 supplementary" : "");
            if (a.DrawId is { } drawId)
                outcome = drawId == record.Id ? outcome + "<br>（本页 this page）" : $"""<a href="/public/draws/{drawId}">{outcome}</a>""";
            var notes = new List<string>();
            if (a.RedrawReason is { } redraw)
                notes.Add($"重新抽取理由 Re-draw reason: {E(PersonalData.MaskIn(redraw))}");
            if (a.CancelReason is { } cancel)
                notes.Add($"取消理由 Cancelled because: {E(PersonalData.MaskIn(cancel))}");
            if (a.FailureReason is { } failure)
                notes.Add(E(failure));
            body.Append(CultureInfo.InvariantCulture, $"""<tr class="attempt"><td>{Time(a.CreatedAt)}</td><td>{Time(a.ScheduledDrawAt)}</td><td>{outcome}</td><td>{string.Join("<br>", notes)}</td></tr>""");
        }
        body.Append("</table>");

        body.Append("""<h2>随机性来源与校验 Randomness and checks</h2><table>""");
        body.Append(CultureInfo.InvariantCulture, $"""<tr><th>算法版本 Algorithm</th><td><code>{E(record.AlgorithmVersion)}</code></td></tr>""");
        body.Append(CultureInfo.InvariantCulture, $"""<tr><th>回避规则版本 Rule set</th><td>v{record.RuleSetVersion}</td></tr>""");
        body.Append(CultureInfo.InvariantCulture, $"""<tr><th>承诺值（抽取前公布）<br>Commitment (published before)</th><td><code id="commitment">{E(record.Commitment)}</code></td></tr>""");
        body.Append(CultureInfo.InvariantCulture, $"""<tr><th>揭示的随机数 Revealed nonce</th><td><code id="nonce">{E(record.Nonce)}</code></td></tr>""");
        foreach (var e in entropy)
            body.Append(CultureInfo.InvariantCulture, $"""<tr><th>外部随机数 External entropy</th><td class="entropy">{E(e.Source)}: <code>{E(e.Value)}</code></td></tr>""");
        body.Append(CultureInfo.InvariantCulture, $"""<tr><th>候选池哈希 Pool hash</th><td><code>{E(record.PoolHash)}</code></td></tr>""");
        body.Append(CultureInfo.InvariantCulture, $"""<tr><th>种子 Seed</th><td><code>{E(record.Seed)}</code></td></tr>""");
        body.Append(CultureInfo.InvariantCulture, $"""<tr><th>抽取记录 SHA-256<br>Record SHA-256</th><td><code id="record-sha256">{E(record.DocumentSha256)}</code></td></tr>""");
        body.Append("</table>");
        body.Append("""
            <p class="hint">承诺值在安排抽取时即已公布，抽取后揭示随机数；外部随机数在承诺之后录入。审计人员可导出完整抽取记录，按 docs/draw-algorithm.md 或 tools/ 下的校验程序重新计算，结果应与上表一致。<br>
            The commitment was published when the draw was scheduled and the nonce revealed after it; the external entropy was entered after the commitment. Auditors can export the full record and re-run it with docs/draw-algorithm.md or the verifier under tools/; it must give the values above.</p>
            <p><a href="/public/draws">全部公示 All published draws</a></p>
            """);
        return HtmlPage.Render("抽取结果公示 Published draw", body.ToString(), indexable: true);
    }

    /// <summary>
    /// Draws whose project's review has started (the panel is no longer sealed): every successful one, and the failed
    /// ones of a project that no draw filled, so that a project whose every draw failed is public too.
    /// </summary>
    private static IQueryable<PublishedDraw> Published(ExpertPoolDbContext db, DateTime now) =>
        from r in db.DrawRecords.AsNoTracking()
        join p in db.Projects.AsNoTracking().ReviewStarted(now) on r.ProjectId equals p.Id
        where r.Outcome == DrawRecordOutcome.Succeeded || !db.DrawRecords.Any(o => o.ProjectId == r.ProjectId && o.Outcome == DrawRecordOutcome.Succeeded)
        select new PublishedDraw { Record = r, Project = p };

    /// <summary>
    /// Each panel member's employer and title as the registry history (decision 026) had them when the draw that gave
    /// them their seat was made: the last entry at or before it. A member with no entry that early keeps the current ones.
    /// </summary>
    private static async Task<Dictionary<(Guid Expert, Guid Draw), (string Employer, string Title)>> RegisteredAtDrawAsync(
        ExpertPoolDbContext db, List<(Guid Expert, Guid Draw)> seats, CancellationToken ct)
    {
        if (seats.Count == 0)
            return [];
        var experts = seats.Select(s => s.Expert).Distinct().ToList();
        var draws = seats.Select(s => s.Draw).Distinct().ToList();
        var drawnAt = await db.DrawRecords.AsNoTracking().Where(r => draws.Contains(r.Id)).ToDictionaryAsync(r => r.Id, r => r.ExecutedAt, ct);
        var latest = drawnAt.Values.Max();
        var entries = await db.ExpertChanges.AsNoTracking().Where(c => experts.Contains(c.ExpertId) && c.ChangedAt <= latest)
            .Select(c => new { c.ExpertId, c.Version, c.ChangedAt, c.EmployerId, c.Title }).ToListAsync(ct);
        var employerIds = entries.Select(e => e.EmployerId).Distinct().ToList();
        // The employer's name as it was at the draw: from the organisation history (which also outlives a deleted
        // organisation). With no row up to the draw (an organisation registered before that history was kept), the
        // first later row still tells it when that row changed nothing (Backfilled, Deleted); else the current name.
        var names = await db.OrganisationChanges.AsNoTracking().Where(c => employerIds.Contains(c.OrganisationId))
            .Select(c => new { c.OrganisationId, c.Version, c.ChangedAt, c.Name, c.Kind }).ToListAsync(ct);
        var current = await db.Organisations.AsNoTracking().Where(o => employerIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, ct);
        string? EmployerAt(Guid organisation, DateTime at)
        {
            var rows = names.Where(n => n.OrganisationId == organisation).ToList();
            if (rows.Where(n => n.ChangedAt <= at).MaxBy(n => n.Version) is { } then)
                return then.Name;
            if (rows.MinBy(n => n.Version) is { Kind: OrganisationChangeKind.Backfilled or OrganisationChangeKind.Deleted } next)
                return next.Name;
            return current.GetValueOrDefault(organisation);
        }
        var result = new Dictionary<(Guid, Guid), (string, string)>();
        foreach (var (expert, draw) in seats.Distinct())
        {
            var entry = entries.Where(e => e.ExpertId == expert && e.ChangedAt <= drawnAt[draw]).MaxBy(e => e.Version);
            // No history row before the draw (an expert registered before the history was kept): the caller shows
            // the current registration.
            if (entry is not null)
                result[(expert, draw)] = (EmployerAt(entry.EmployerId, drawnAt[draw]) ?? "（单位已注销）/ (organisation since deleted)", entry.Title);
        }
        return result;
    }

    /// <summary>Member-initialised (not a positional record) so that EF Core can translate filters and orderings over it.</summary>
    private sealed class PublishedDraw
    {
        public required DrawRecord Record { get; init; }
        public required Domain.Projects.Project Project { get; init; }
    }

    private static string Time(DateTime utc) => HtmlPage.Time(utc);

    private static string E(string s) => HtmlPage.E(s);
}
