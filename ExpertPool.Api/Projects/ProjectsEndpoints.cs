using System.Security.Claims;
using ExpertPool.Api.Experts;
using ExpertPool.Api.Extensions;
using ExpertPool.Api.Security;
using ExpertPool.Domain.Common;
using ExpertPool.Domain.Draws;
using ExpertPool.Domain.Persistence;
using ExpertPool.Domain.Projects;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace ExpertPool.Api.Projects;

public sealed record ProjectPartyRequest(Guid? OrganisationId, PartyRole? Role);

public sealed record ProjectPreparerRequest(Guid? ExpertId, string? Note);

public sealed record ProjectRequest(
    string? Code,
    string? Name,
    string? EngagementType,
    DateTime? ReviewStartsAt,
    string? Place,
    string? RegionCode,
    IReadOnlyList<ProjectPartyRequest>? Parties,
    IReadOnlyList<ProjectPreparerRequest>? Preparers);

public sealed record ProjectPartyDto(Guid OrganisationId, string OrganisationName, string Role);

public sealed record ProjectPreparerDto(Guid ExpertId, string ExpertName, string? Note);

public sealed record ProjectDto(
    Guid Id,
    string Code,
    string Name,
    string EngagementType,
    DateTime ReviewStartsAt,
    DateOnly ReviewDate,
    string Place,
    string? RegionCode,
    IReadOnlyList<ProjectPartyDto> Parties,
    IReadOnlyList<ProjectPreparerDto> Preparers,
    string CreatedBy,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    int Version);

public static class ProjectsEndpoints
{
    public static RouteGroupBuilder MapProjects(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/projects").WithTags("Projects").RequireAuthorization(Policies.Reader);
        group.MapGet("/", ListProjects).WithName(nameof(ListProjects));
        group.MapGet("/{id:guid}", GetProject).WithName(nameof(GetProject));
        group.MapPost("/", CreateProject).WithName(nameof(CreateProject)).RequireAuthorization(Policies.Admin);
        group.MapPut("/{id:guid}", UpdateProject).WithName(nameof(UpdateProject)).RequireAuthorization(Policies.Admin);
        return group;
    }

    public static async Task<Ok<PagedList<ProjectDto>>> ListProjects(ExpertPoolDbContext db, ClaimsPrincipal user, string? q, int? page, int? pageSize, CancellationToken ct)
    {
        var (p, size) = Paging.Read(page, pageSize, q);
        var query = db.Projects.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(q))
        {
            var term = q.Trim();
            var code = term.ToUpperInvariant();
            query = query.Where(x => x.Code.Contains(code) || x.Name.Contains(term));
        }
        var total = await query.CountAsync(ct);
        var ids = await query.OrderByDescending(x => x.ReviewStartsAt).ThenBy(x => x.Id).Skip((p - 1) * size).Take(size).Select(x => x.Id).ToListAsync(ct);
        var items = new List<ProjectDto>();
        foreach (var id in ids)
            items.Add(await LoadDtoAsync(db, id, ct, masked: !user.SeesPersonalData()));
        return TypedResults.Ok(new PagedList<ProjectDto>(items, p, size, total));
    }

    public static async Task<Ok<ProjectDto>> GetProject(Guid id, ExpertPoolDbContext db, HttpContext http, ClaimsPrincipal user, CancellationToken ct)
    {
        var dto = await LoadDtoAsync(db, id, ct, masked: !user.SeesPersonalData());
        http.Response.Headers.ETag = EntityTags.Of(dto.Version);
        return TypedResults.Ok(dto);
    }

    public static async Task<Created<ProjectDto>> CreateProject(ProjectRequest request, ExpertPoolDbContext db, TimeProvider clock, ClaimsPrincipal user, HttpContext http, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var draft = await CheckAsync(request, db, null, now, ct);
        var project = Project.Create(draft, user.Actor(), now);
        db.Projects.Add(project);
        await SaveAsync(db, ct);
        var created = await LoadDtoAsync(db, project.Id, ct);
        http.Response.Headers.ETag = EntityTags.Of(created.Version);
        return TypedResults.Created($"/api/projects/{project.Id}", created);
    }

    /// <summary>
    /// Replaces the project's data while no draw has happened for it; afterwards the project is part of a draw record.
    /// If-Match is required (the ETag of the copy that was edited): 428 without it, 412 when someone changed it since.
    /// </summary>
    public static async Task<Ok<ProjectDto>> UpdateProject(
        Guid id, ProjectRequest request, [FromHeader(Name = "If-Match")] string? ifMatch, ExpertPoolDbContext db, TimeProvider clock,
        Microsoft.Extensions.Options.IOptions<DrawOptions> drawOptions, HttpContext http, CancellationToken ct)
    {
        var expected = EntityTags.Parse(ifMatch, required: true)!;
        // Under the same lock as entering entropy and drawing (SQLite), and writing the scheduled requests' rows
        // (PostgreSQL), so an edit cannot slip in beside the entropy of one of its draws.
        await using var transaction = await db.BeginSnapshotTransactionAsync(ct);
        var project = await db.Projects.Include(x => x.Parties).Include(x => x.Preparers).AsSplitQuery().FirstOrDefaultAsync(x => x.Id == id, ct)
            ?? throw new NotFoundException("Project", id);
        // The precondition first, on the version read inside the transaction ("*" is whatever that is).
        if (!expected.Matches(project.Version))
            throw new PreconditionFailedException($"项目已被他人修改（当前版本 {project.Version}），请刷新后重试 / The project was changed by someone else (now version {project.Version}).");
        if (await db.PanelRequests.AnyAsync(r => r.ProjectId == id && (r.Status == PanelRequestStatus.Drawn || r.Status == PanelRequestStatus.Failed), ct))
            throw new DomainConflictException("该项目已抽取，不能再修改 / A draw has happened for this project: it can no longer be changed.");
        var now = clock.GetUtcNow().UtcDateTime;
        // A scheduled draw whose entropy is in, or whose time has come, has a pool anyone with the nonce could compute:
        // changing its parties or dates then could steer it (decision 017).
        var scheduled = await db.PanelRequests.Where(r => r.ProjectId == id && r.Status == PanelRequestStatus.Scheduled).ToListAsync(ct);
        var scheduledIds = scheduled.Select(r => r.Id).ToList();
        var withEntropy = scheduledIds.Count > 0 && await db.DrawEntropies.AnyAsync(e => scheduledIds.Contains(e.PanelRequestId), ct);
        if (withEntropy || scheduled.Any(r => r.ScheduledDrawAt <= now))
            throw new DomainConflictException("该项目的抽取已录入外部随机数或已到抽取时间，项目已冻结 / A draw of this project has its external entropy or is due: the project is frozen until it is drawn or cancelled.");
        // Parties and preparers left out of the body are kept (an explicit [] removes them): they are the conflict
        // rules' evidence, and a client that sends only the fields it edits must not drop them silently.
        request = request with
        {
            Parties = request.Parties ?? project.Parties.Select(p => new ProjectPartyRequest(p.OrganisationId, p.Role)).ToList(),
            Preparers = request.Preparers ?? project.Preparers.Select(p => new ProjectPreparerRequest(p.ExpertId, p.Note)).ToList(),
        };
        var draft = await CheckAsync(request, db, id, now, ct);
        // The review must still start after every scheduled draw's reply deadline (which is after its draw time).
        if (scheduled.Where(r => r.ReplyDeadline > draft.ReviewStartsAt).OrderBy(r => r.ReplyDeadline).LastOrDefault() is { } blocking)
            throw new DomainValidationException("reviewStartsAt", $"评审开始时间不能早于已安排的抽取申请 {blocking.Id} 的答复截止时间 {blocking.ReplyDeadline:yyyy-MM-dd HH:mm} UTC，请先取消该申请 / must not be before the reply deadline {blocking.ReplyDeadline:yyyy-MM-dd HH:mm} UTC of scheduled panel request {blocking.Id}; cancel that request first");
        // Nor so much later that a scheduled draw would come earlier than the lead time allows.
        if (draft.ReviewStartsAt > project.ReviewStartsAt
            && scheduled.FirstOrDefault(r => r.ScheduledDrawAt < PanelRequestService.EarliestDraw(draft.ReviewStartsAt, drawOptions.Value)) is { } early)
            throw new DomainValidationException("reviewStartsAt", $"评审时间推后后，已安排的抽取申请 {early.Id}（抽取时间 {early.ScheduledDrawAt:yyyy-MM-dd HH:mm} UTC）将早于评审前 {drawOptions.Value.MaxLeadTime.TotalHours:0.#} 小时的允许提前量，请取消后重新安排 / would put scheduled panel request {early.Id} (draw at {early.ScheduledDrawAt:yyyy-MM-dd HH:mm} UTC) more than {drawOptions.Value.MaxLeadTime.TotalHours:0.#} hours before the review (Draws:MaxLeadTime); cancel that request and schedule a new one");
        project.Update(draft, project.Version, now);
        foreach (var pending in scheduled)
            db.RewriteRequestRow(pending);
        await SaveAsync(db, ct);
        await transaction.CommitAsync(CancellationToken.None);
        var updated = await LoadDtoAsync(db, id, ct);
        http.Response.Headers.ETag = EntityTags.Of(updated.Version);
        return TypedResults.Ok(updated);
    }

    private static async Task<ProjectDraft> CheckAsync(ProjectRequest r, ExpertPoolDbContext db, Guid? self, DateTime now, CancellationToken ct)
    {
        if (r.Parties?.Any(p => p is null) == true)
            throw new DomainValidationException("parties", "不能包含空项 / must not contain null entries");
        if (r.Preparers?.Any(p => p is null) == true)
            throw new DomainValidationException("preparers", "不能包含空项 / must not contain null entries");
        // A party's role decides which rules apply to it (the cooldown follows the applicant), so none is assumed.
        var missing = new Dictionary<string, string[]>();
        for (var i = 0; i < (r.Parties?.Count ?? 0); i++)
        {
            if (r.Parties![i].OrganisationId is null || r.Parties[i].OrganisationId == Guid.Empty)
                missing[$"parties[{i}].organisationId"] = ["必填 / is required"];
            if (r.Parties[i].Role is null)
                missing[$"parties[{i}].role"] = ["必填：申报单位、合作单位、供应商或其他 / is required: Applicant, Partner, Supplier or Other"];
        }
        for (var i = 0; i < (r.Preparers?.Count ?? 0); i++)
        {
            if (r.Preparers![i].ExpertId is null || r.Preparers[i].ExpertId == Guid.Empty)
                missing[$"preparers[{i}].expertId"] = ["必填 / is required"];
        }
        if (missing.Count > 0)
            throw new DomainValidationException(missing);
        var draft = Project.Check(r.Code, r.Name, r.EngagementType, r.ReviewStartsAt, r.Place, r.RegionCode,
            r.Parties?.Select(p => new ProjectPartyInput(p.OrganisationId!.Value, p.Role!.Value)).ToList(),
            r.Preparers?.Select(p => new ProjectPreparerInput(p.ExpertId!.Value, p.Note)).ToList(),
            now);
        var errors = new Dictionary<string, string[]>();
        if (draft.RegionCode is { } region && !await db.Regions.AnyAsync(x => x.Code == region, ct))
            errors["regionCode"] = [$"行政区划代码 {region} 不存在 / unknown region code '{region}'"];
        var orgIds = draft.Parties.Select(p => p.OrganisationId).ToList();
        var knownOrgs = (await db.Organisations.Where(o => orgIds.Contains(o.Id)).Select(o => o.Id).ToListAsync(ct)).ToHashSet();
        for (var i = 0; i < draft.Parties.Count; i++)
        {
            if (!knownOrgs.Contains(draft.Parties[i].OrganisationId))
                errors[$"parties[{i}].organisationId"] = [$"单位 {draft.Parties[i].OrganisationId} 不存在 / unknown organisation '{draft.Parties[i].OrganisationId}'"];
        }
        var expertIds = draft.Preparers.Select(p => p.ExpertId).ToList();
        var knownExperts = (await db.Experts.Where(e => expertIds.Contains(e.Id)).Select(e => e.Id).ToListAsync(ct)).ToHashSet();
        for (var i = 0; i < draft.Preparers.Count; i++)
        {
            if (!knownExperts.Contains(draft.Preparers[i].ExpertId))
                errors[$"preparers[{i}].expertId"] = [$"专家 {draft.Preparers[i].ExpertId} 不存在 / unknown expert '{draft.Preparers[i].ExpertId}'"];
        }
        if (errors.Count > 0)
            throw new DomainValidationException(errors);
        if (await db.Projects.AnyAsync(x => x.Code == draft.Code && x.Id != self, ct))
            throw new DomainConflictException($"项目编号已存在 / Another project already has code {draft.Code}.", new Dictionary<string, object?> { ["field"] = "code" });
        return draft;
    }

    private static async Task SaveAsync(ExpertPoolDbContext db, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (DatabaseErrors.IsClash(ex))
        {
            throw new DomainConflictException("项目编号已存在或项目已被同时修改，请刷新 / Another project with this code was saved, or this project or one of its draws changed, at the same time.", ex);
        }
    }

    /// <param name="masked">For a non-administrator: numbers and addresses in the preparers' notes masked.</param>
    internal static async Task<ProjectDto> LoadDtoAsync(ExpertPoolDbContext db, Guid id, CancellationToken ct, bool masked = false)
    {
        var p = await db.Projects.AsNoTracking().Include(x => x.Parties).Include(x => x.Preparers).AsSplitQuery().FirstOrDefaultAsync(x => x.Id == id, ct)
            ?? throw new NotFoundException("Project", id);
        var orgIds = p.Parties.Select(x => x.OrganisationId).ToList();
        var orgNames = await db.Organisations.Where(o => orgIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, ct);
        var expertIds = p.Preparers.Select(x => x.ExpertId).ToList();
        var expertNames = await db.Experts.Where(e => expertIds.Contains(e.Id)).ToDictionaryAsync(e => e.Id, e => e.Name, ct);
        return new ProjectDto(p.Id, p.Code, p.Name, p.EngagementType.ToString(), p.ReviewStartsAt, p.ReviewDate, p.Place, p.RegionCode,
            p.Parties.OrderBy(x => x.Role).ThenBy(x => orgNames[x.OrganisationId], StringComparer.Ordinal)
                .Select(x => new ProjectPartyDto(x.OrganisationId, orgNames[x.OrganisationId], x.Role.ToString())).ToList(),
            p.Preparers.OrderBy(x => expertNames[x.ExpertId], StringComparer.Ordinal)
                .Select(x => new ProjectPreparerDto(x.ExpertId, expertNames[x.ExpertId], PersonalData.ForReader(x.Note, !masked))).ToList(),
            p.CreatedBy, p.CreatedAt, p.UpdatedAt, p.Version);
    }
}
