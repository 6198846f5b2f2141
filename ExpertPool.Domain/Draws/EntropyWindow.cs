using System.Text.Json;
using System.Text.Json.Nodes;
using ExpertPool.Domain.Common;
using ExpertPool.Domain.Experts;
using ExpertPool.Domain.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ExpertPool.Domain.Draws;

/// <summary>What kind of registry change was made inside a draw's entropy window.</summary>
public enum WindowChangeKind
{
    /// <summary>An expert was registered, or a recorded field of theirs edited (<see cref="ExpertChange"/>).</summary>
    ExpertEdited,

    /// <summary>An expert's status changed (<see cref="ExpertStatusChange"/>).</summary>
    StatusChanged,

    /// <summary>A relation (employment, directorship, dispute…) was recorded.</summary>
    RelationRecorded,

    /// <summary>A recorded relation was ended.</summary>
    RelationEnded,

    /// <summary>An expert declared a conflict with an organisation.</summary>
    ConflictDeclared,

    /// <summary>An organisation's name, credit code or aliases changed, or it was created or deleted (<see cref="Organisations.OrganisationChange"/>).</summary>
    OrganisationChanged,
}

/// <summary>Where a changed expert stands in the draw: not among its candidates, excluded, eligible, or drawn.</summary>
public enum DrawPlace
{
    /// <summary>In no quota's candidates: neither in the frozen pool nor among the exclusions.</summary>
    NotCandidate,
    Excluded,

    /// <summary>In the frozen pool of at least one quota, and not drawn.</summary>
    Eligible,
    Backup,
    Member,
}

/// <summary>One change inside the window. <see cref="ExpertId"/> or <see cref="OrganisationId"/> names what changed.</summary>
/// <see cref="Actor"/> is null where the registry did not keep who made the change (a relation ended before the end's actor was kept).
/// <see cref="PanelRequestId"/>: the panel request a conflict declared on declining an invitation came from; such a change
/// shows that the expert was drawn for that request, so it is as sealed as that request's panel.
public sealed record WindowChange(DateTime At, WindowChangeKind Kind, Guid? ExpertId, Guid? OrganisationId, string? Actor, IReadOnlyList<string> Fields, string Description, Guid? PanelRequestId = null);

/// <summary>
/// The registry changes made between the moment a draw's panel became computable (its first external entropy value was
/// entered) and the draw itself, and where each changed expert stands in the draw (decision 027).
/// </summary>
/// <param name="From">When the first entropy value was entered (exclusive); for a fallback value, the draw time itself.</param>
/// <param name="To">When the draw was made (inclusive).</param>
/// <param name="Places">For every changed expert, their place in the draw.</param>
/// <param name="RevealedProjects">
/// The other projects the draw's exclusion reasons name (decision 028); read only when some expert changed. While one of
/// them is sealed, a changed expert's place (excluded, or not) would give that project's panel away.
/// </param>
public sealed record EntropyWindowReport(Guid DrawId, Guid ProjectId, DateTime From, DateTime To, IReadOnlyList<WindowChange> Changes, IReadOnlyDictionary<Guid, DrawPlace> Places,
    IReadOnlySet<Guid> RevealedProjects);

/// <summary>
/// Reads what changed in the registry while a draw's panel could already be computed. Whoever can read the nonce
/// (decision 012) knows the panel once the entropy is in; an edit then (a specialty added, a status suspended, a relation
/// recorded) can move an expert in or out of it. Such edits are allowed (decision 017, "still possible") but must not go
/// unnoticed: an auditor reads them here, per draw, instead of per expert.
/// </summary>
public static class EntropyWindow
{
    private static readonly Dictionary<string, string> FieldZh = new(StringComparer.Ordinal)
    {
        ["name"] = "姓名",
        ["idNumber"] = "身份证号",
        ["gender"] = "性别",
        ["employerId"] = "工作单位",
        ["title"] = "职称",
        ["titleGrade"] = "职称级别",
        ["regionCode"] = "所在地区",
        ["specialtyCodes"] = "专业",
        ["termStart"] = "聘期开始",
        ["termEnd"] = "聘期结束",
        ["blackouts"] = "不可用时段",
        ["email"] = "电子邮箱",
        ["phone"] = "电话",
        ["preferredLanguage"] = "语言",
        ["joinChannel"] = "入库方式",
    };

    public static async Task<EntropyWindowReport> ReadAsync(ExpertPoolDbContext db, Guid drawId, CancellationToken ct)
    {
        var draw = await db.DrawRecords.AsNoTracking().FirstOrDefaultAsync(r => r.Id == drawId, ct)
            ?? throw new NotFoundException("Draw", drawId);
        var to = draw.ExecutedAt;
        var entered = await db.DrawEntropies.AsNoTracking().Where(e => e.PanelRequestId == draw.PanelRequestId && e.EnteredAt <= to)
            .Select(e => (DateTime?)e.EnteredAt).MinAsync(ct);
        var from = entered is { } t && t < to ? t : to;
        var changes = new List<WindowChange>();
        if (from < to)
            await ReadChangesAsync(db, from, to, changes, ct);
        changes.Sort((a, b) => a.At != b.At ? a.At.CompareTo(b.At) : a.Kind.CompareTo(b.Kind));
        var experts = changes.Where(c => c.ExpertId is not null).Select(c => c.ExpertId!.Value).ToHashSet();
        var (places, revealed) = experts.Count == 0 ? ([], []) : await PlacesAsync(db, draw, experts, ct);
        return new EntropyWindowReport(draw.Id, draw.ProjectId, from, to, changes, places, revealed);
    }

    private static async Task ReadChangesAsync(ExpertPoolDbContext db, DateTime from, DateTime to, List<WindowChange> changes, CancellationToken ct)
    {
        var edits = await db.ExpertChanges.AsNoTracking().Where(c => c.ChangedAt > from && c.ChangedAt <= to).ToListAsync(ct);
        foreach (var c in edits)
        {
            var fields = c.ChangedFieldList;
            var description = c.Kind == ExpertChangeKind.Created
                ? $"新登记入库（第 {c.Version} 版）/ registered (version {c.Version})"
                : $"登记信息变更：{string.Join("、", fields.Select(f => FieldZh.GetValueOrDefault(f, f)))}（第 {c.Version} 版）/ registry edit: {string.Join(", ", fields)} (version {c.Version})";
            changes.Add(new WindowChange(c.ChangedAt, WindowChangeKind.ExpertEdited, c.ExpertId, null, c.ChangedBy, fields, description));
        }

        var statuses = await db.ExpertStatusChanges.AsNoTracking().Where(c => c.ChangedAt > from && c.ChangedAt <= to).ToListAsync(ct);
        foreach (var s in statuses)
        {
            var fromZh = s.FromStatus is { } f ? ExpertVocabulary.Label(f) : "无";
            changes.Add(new WindowChange(s.ChangedAt, WindowChangeKind.StatusChanged, s.ExpertId, null, s.Actor, ["status"],
                $"状态由「{fromZh}」改为「{ExpertVocabulary.Label(s.ToStatus)}」：{PersonalData.MaskIn(s.Reason)} / status {s.FromStatus?.ToString() ?? "none"} → {s.ToStatus}: {PersonalData.MaskIn(s.Reason)}"));
        }

        var relations = await db.ExpertRelations.AsNoTracking()
            .Where(r => (r.RecordedAt > from && r.RecordedAt <= to) || (r.EndedAt > from && r.EndedAt <= to)).ToListAsync(ct);
        var conflicts = await db.DeclaredConflicts.AsNoTracking().Where(c => c.DeclaredAt > from && c.DeclaredAt <= to).ToListAsync(ct);
        var organisations = await db.OrganisationChanges.AsNoTracking().Where(c => c.ChangedAt > from && c.ChangedAt <= to).ToListAsync(ct);
        var orgIds = relations.Select(r => r.OrganisationId).Concat(conflicts.Select(c => c.OrganisationId)).Distinct().ToList();
        var names = orgIds.Count == 0 ? [] : await db.Organisations.AsNoTracking().Where(o => orgIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, ct);
        string Org(Guid id) => names.GetValueOrDefault(id, id.ToString("D"));
        foreach (var r in relations)
        {
            var period = $"{(r.From is { } a ? IsoText.Date(a) : "?")} – {(r.To is { } b ? IsoText.Date(b) : "今 now")}";
            if (r.RecordedAt > from && r.RecordedAt <= to)
            {
                changes.Add(new WindowChange(r.RecordedAt, WindowChangeKind.RelationRecorded, r.ExpertId, r.OrganisationId, r.RecordedBy, ["relations"],
                    $"登记关系：与 {Org(r.OrganisationId)} 的{ExpertVocabulary.Label(r.Kind)}（{period}）/ relation recorded: {r.Kind} with {Org(r.OrganisationId)} ({period})"));
            }
            // One recorded with its end date ends when it is recorded: that is one change, not two.
            if (r.EndedAt is { } ended && ended > from && ended <= to && ended != r.RecordedAt)
            {
                changes.Add(new WindowChange(ended, WindowChangeKind.RelationEnded, r.ExpertId, r.OrganisationId, r.EndedBy, ["relations"],
                    $"关系结束：与 {Org(r.OrganisationId)} 的{ExpertVocabulary.Label(r.Kind)}（{period}）/ relation ended: {r.Kind} with {Org(r.OrganisationId)} ({period})"));
            }
        }

        foreach (var c in conflicts)
        {
            var source = c.Source == DeclaredConflictSource.DeclinedInvitation ? "谢绝邀请时声明" : "专家声明";
            changes.Add(new WindowChange(c.DeclaredAt, WindowChangeKind.ConflictDeclared, c.ExpertId, c.OrganisationId, c.RecordedBy, ["declaredConflicts"],
                $"声明与 {Org(c.OrganisationId)} 存在利益冲突（{source}）：{PersonalData.MaskIn(c.Reason)} / conflict declared with {Org(c.OrganisationId)} ({c.Source}): {PersonalData.MaskIn(c.Reason)}",
                c.PanelRequestId));
        }

        foreach (var o in organisations)
        {
            var aliases = string.Join("、", o.Aliases);
            changes.Add(new WindowChange(o.ChangedAt, WindowChangeKind.OrganisationChanged, null, o.OrganisationId, o.ChangedBy, ["name", "creditCode", "aliases"],
                $"单位 {o.Name} 变更（{o.Kind}，第 {o.Version} 版；别名：{(aliases.Length == 0 ? "无" : aliases)}）/ organisation {o.Name} {o.Kind} (version {o.Version}; aliases: {(aliases.Length == 0 ? "none" : string.Join(", ", o.Aliases))})"));
        }
    }

    /// <summary>
    /// Drawn experts from the selection rows; the pool and the exclusions from the record document, and with them the
    /// other projects the exclusion reasons name.
    /// </summary>
    private static async Task<(Dictionary<Guid, DrawPlace> Places, HashSet<Guid> Revealed)> PlacesAsync(ExpertPoolDbContext db, DrawRecord draw, HashSet<Guid> experts, CancellationToken ct)
    {
        var places = experts.ToDictionary(id => id, _ => DrawPlace.NotCandidate);
        var revealed = new HashSet<Guid>();
        var document = await Persistence.DrawDocumentReader.ReadUtf8Async(db, draw.Id, ct) ?? throw new NotFoundException("Draw", draw.Id);
        var record = DrawRecordVerification.ReadStored(document, "无法判断变更涉及的专家在抽取中的位置", "where the changed experts stood in the draw cannot be told");
        foreach (var id in record.Pool.SelectMany(p => p.ExpertIds))
        {
            if (Guid.TryParse(id, out var g) && places.ContainsKey(g))
                places[g] = DrawPlace.Eligible;
        }
        if (record.Context?["exclusions"] is JsonArray exclusions)
        {
            foreach (var x in exclusions)
            {
                foreach (var r in x?["reasons"] as JsonArray ?? [])
                {
                    if (r?["projectId"]?.GetValueKind() == JsonValueKind.String && Guid.TryParse(r["projectId"]!.GetValue<string>(), out var p))
                        revealed.Add(p);
                }
                if (x?["expertId"]?.GetValueKind() == JsonValueKind.String && Guid.TryParse(x["expertId"]!.GetValue<string>(), out var g)
                    && places.TryGetValue(g, out var place) && place == DrawPlace.NotCandidate)
                    places[g] = DrawPlace.Excluded;
            }
        }
        var selected = await db.DrawSelections.AsNoTracking().Where(s => s.DrawRecordId == draw.Id && experts.Contains(s.ExpertId))
            .Select(s => new { s.ExpertId, s.Role }).ToListAsync(ct);
        foreach (var s in selected)
        {
            var place = s.Role == SelectionRole.Member ? DrawPlace.Member : DrawPlace.Backup;
            if (place > places[s.ExpertId])
                places[s.ExpertId] = place;
        }
        return (places, revealed);
    }
}
