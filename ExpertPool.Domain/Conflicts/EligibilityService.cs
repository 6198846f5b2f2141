using System.Globalization;
using System.Runtime.InteropServices;
using ExpertPool.Domain.Common;
using ExpertPool.Domain.Draws;
using ExpertPool.Domain.Experts;
using ExpertPool.Domain.Persistence;
using ExpertPool.Domain.Projects;
using Microsoft.EntityFrameworkCore;

namespace ExpertPool.Domain.Conflicts;

/// <summary>
/// Evaluates who may be drawn for a panel request. Everything is decided in the database: one query per quota returns
/// the candidates' ids, and one query per rule returns that rule's violators with its evidence, computed once for the
/// union of the quotas' candidates. Rule queries read only the rule's own table (or a covering index), never the expert
/// rows; the names of the excluded candidates are read once at the end. The rule set is the one pinned when the request's
/// external entropy was entered; before that, the current version for the project's engagement type, else the current
/// default.
/// </summary>
public sealed class EligibilityService(ExpertPoolDbContext db, TimeProvider clock)
{
    private static readonly RelationKind[] Governance = [RelationKind.Director, RelationKind.Supervisor, RelationKind.ControllingShareholder, RelationKind.ActualController];
    private static readonly RelationKind[] DisputeOrInvestment = [RelationKind.LegalDispute, RelationKind.Investment];
    private static readonly RelationKind[] OngoingSameOrganisation = [RelationKind.Employment, RelationKind.Other];

    /// <summary>The full report, with the names of the excluded experts (for administrators).</summary>
    public Task<EligibilityReport> EvaluateAsync(Guid panelRequestId, CancellationToken ct) => EvaluateAsync(panelRequestId, includeNames: true, pinned: null, asOf: null, ct);

    /// <summary>
    /// The report a draw freezes: the same pools and exclusions with their evidence, without reading the excluded experts'
    /// names (the draw record identifies experts by id; <see cref="ExcludedExpert.ExpertName"/> is then null).
    /// </summary>
    /// <param name="panelRequestId">The request being drawn.</param>
    /// <param name="ruleSetId">The rule set its entropy pinned (<see cref="ConflictRuleSets.PinnedBy"/>); null for the current one.</param>
    /// <param name="drawnAt">The draw's instant, which the report carries as its evaluation time: the pool is frozen as of the draw (its snapshot was taken then).</param>
    /// <param name="ct">Cancels the evaluation.</param>
    public Task<EligibilityReport> EvaluateForDrawAsync(Guid panelRequestId, Guid? ruleSetId, DateTime drawnAt, CancellationToken ct) =>
        EvaluateAsync(panelRequestId, includeNames: false, pinned: ruleSetId ?? Guid.Empty, asOf: drawnAt, ct);

    /// <param name="pinned">The rule set to apply; <see cref="Guid.Empty"/> for the current one; null to read the request's pinned one.</param>
    private async Task<EligibilityReport> EvaluateAsync(Guid panelRequestId, bool includeNames, Guid? pinned, DateTime? asOf, CancellationToken ct)
    {
        // Every rule sees the same state of the database: a draw brings its own snapshot transaction (decision 016);
        // the preview takes a read-only one.
        await using var snapshot = db.Database.CurrentTransaction is null ? await db.BeginReadSnapshotAsync(ct) : null;
        var request = await db.PanelRequests.AsNoTracking().Include(r => r.Quotas).FirstOrDefaultAsync(r => r.Id == panelRequestId, ct)
            ?? throw new NotFoundException("Panel request", panelRequestId);
        var project = await db.Projects.AsNoTracking().Include(p => p.Parties).Include(p => p.Preparers).AsSplitQuery()
            .FirstAsync(p => p.Id == request.ProjectId, ct);
        pinned ??= ConflictRuleSets.PinnedBy(await db.DrawEntropies.AsNoTracking().InEntryOrder(panelRequestId).ToListAsync(ct));
        var ruleSet = pinned is { } id && id != Guid.Empty
            ? await db.ConflictRuleSets.AsNoTracking().FirstAsync(r => r.Id == id, ct)
            : await ConflictRuleSets.CurrentAsync(db, project.EngagementType, ct);
        ruleSet.EnsureApplicable();
        var evaluation = new Evaluation(db, request, project, ruleSet, includeNames);
        // The draw's own snapshot transaction can lend a second connection for half of the reads (decision 013 §9);
        // the preview's read-only snapshot cannot, nor can a caller's transaction.
        await using var peer = snapshot is null ? await db.OpenSnapshotPeerAsync(ct) : null;
        await evaluation.RunAsync(peer?.Context, ct);
        return evaluation.Report(asOf ?? clock.GetUtcNow().UtcDateTime);
    }

    /// <summary>
    /// The candidates of one quota before any rule: experts with a specialty in the subtree of <paramref name="specialtyCode"/>,
    /// living in <paramref name="regionCode"/> or one of its cities when given; distinct, unordered. The draw benchmark
    /// times this same query as its "bare query".
    /// </summary>
    public static async Task<List<Guid>> CandidateIdsAsync(ExpertPoolDbContext db, string specialtyCode, string? regionCode, CancellationToken ct, string? quotaKey = null) =>
        (await CandidateRowsAsync(db, specialtyCode, regionCode, quotaKey, ct)).Distinct().ToList();

    /// <summary>
    /// <see cref="CandidateIdsAsync"/> before de-duplication: an expert with two specialties in the subtree comes twice.
    /// (The evaluation de-duplicates while it gives each candidate its slot, with no set of its own per quota.)
    /// </summary>
    private static async Task<List<Guid>> CandidateRowsAsync(ExpertPoolDbContext db, string specialtyCode, string? regionCode, string? quotaKey, CancellationToken ct)
    {
        // The subtree in one query: the root's own path starts with itself, so an empty result means no such specialty.
        var root = db.Specialties.Where(s => s.Code == specialtyCode).Select(s => s.Path);
        var specialtyIds = await db.Specialties.Where(s => root.Any(r => s.Path.StartsWith(r))).Select(s => s.Id).ToListAsync(ct);
        if (specialtyIds.Count == 0)
            throw new DomainConflictException($"名额 {quotaKey ?? specialtyCode} 的专业 {specialtyCode} 已不存在 / Specialty {specialtyCode} of quota {quotaKey ?? specialtyCode} no longer exists.");
        // Tens of thousands of ids: read through IdRowReader (no per-row materialisation). The specialty ids are
        // integers read from the database, so they are written into the IN list. No SQL DISTINCT: it makes SQLite
        // scan the whole (ExpertId, SpecialtyId) key instead of seeking the (SpecialtyId, ExpertId) index; an expert
        // with two specialties in the subtree comes twice and is de-duplicated by the caller.
        var inList = string.Join(", ", specialtyIds.Select(id => id.ToString(CultureInfo.InvariantCulture)));
        return regionCode is { } region
            // expert_specialties carries the expert's region: a province (with its cities) is a handful of seeks in the
            // (SpecialtyId, RegionCode, ExpertId) index per specialty, with no probe of the experts table.
            ? await IdRowReader.ReadIdsAsync(db, "\"ExpertId\"", $"""
                FROM "expert_specialties"
                WHERE "SpecialtyId" IN ({inList}) AND "RegionCode" IN (SELECT "Code" FROM "regions" WHERE "Code" = @p0 OR "ParentCode" = @p0)
                """, [region], ct)
            : await IdRowReader.ReadIdsAsync(db, "\"ExpertId\"", $"""FROM "expert_specialties" WHERE "SpecialtyId" IN ({inList})""", [], ct);
    }

    /// <summary>
    /// <paramref name="partyIds"/> and every other organisation record of the same units: one whose name or alias is a
    /// name or alias of a party, as the evaluation's same-organisation matching finds them.
    /// </summary>
    public static async Task<List<Guid>> SameUnitAsync(ExpertPoolDbContext db, IReadOnlyCollection<Guid> partyIds, CancellationToken ct)
    {
        if (partyIds.Count == 0)
            return [];
        var names = await db.Organisations.AsNoTracking().Where(o => partyIds.Contains(o.Id)).Select(o => o.Name)
            .Concat(db.OrganisationAliases.AsNoTracking().Where(a => partyIds.Contains(a.OrganisationId)).Select(a => a.Name))
            .Distinct().ToListAsync(ct);
        var twins = await db.Organisations.AsNoTracking()
            .Where(o => !partyIds.Contains(o.Id) && (names.Contains(o.Name) || o.Aliases.Any(a => names.Contains(a.Name))))
            .Select(o => o.Id).ToListAsync(ct);
        return [.. partyIds, .. twins];
    }

    private sealed class Evaluation(ExpertPoolDbContext db, PanelRequest request, Project project, ConflictRuleSet ruleSet, bool includeNames)
    {
        private readonly ConflictRuleSettings _s = ruleSet.Settings;
        private readonly DateOnly _day = project.ReviewDate;
        // Every candidate of any quota has a slot: its id, its reasons (null while eligible) and its quota keys are kept by
        // slot, so a candidate's id is looked up once per rule hit, not again per quota and per report step.
        private Dictionary<Guid, int> _slots = [];
        private readonly List<Guid> _ids = [];
        private List<ExclusionReason>?[] _reasons = [];
        private readonly Lock _reasonsLock = new();
        private readonly List<(PanelQuota Quota, int[] Slots)> _candidates = [];
        private Dictionary<Guid, string>? _names;
        private Dictionary<Guid, PartyMatch> _partyOrgs = [];
        private List<PartyUnit> _partyUnits = [];
        private Dictionary<Guid, PartyMatch> _applicantUnits = [];

        /// <param name="peer">
        /// A context reading the same snapshot on another connection (<see cref="ExpertPoolDbContext.OpenSnapshotPeerAsync"/>),
        /// or null. With one, the parties are read there while the candidates are read here, then the relation and
        /// practice rules run there while the registry rules run here. Exclusions from both meet under one lock, and the
        /// report sorts every expert's reasons, so it is the same either way.
        /// </param>
        public async Task RunAsync(ExpertPoolDbContext? peer, CancellationToken ct)
        {
            // The parties on the peer while the candidates are read here. (Reading half of the quotas on the peer as well
            // was slower: the peer's page cache is cold for the specialty index, which this connection has just read.)
            var parties = peer is null ? null : Task.Run(() => PartyOrganisationsAsync(peer, ct), ct);
            var rows = new List<(PanelQuota Quota, List<Guid> Ids)>();
            try
            {
                foreach (var quota in request.Quotas.OrderBy(q => q.Position))
                    rows.Add((quota, await CandidateRowsAsync(db, quota.SpecialtyCode, quota.RegionCode, quota.Key, ct)));
            }
            finally
            {
                // Never leave the peer busy behind an exception: the caller disposes it next.
                if (parties is not null)
                    await Task.WhenAny(parties);
            }
            (_partyOrgs, _applicantUnits, _partyUnits) = parties is null ? await PartyOrganisationsAsync(db, ct) : await parties;
            AssignSlots(rows);
            if (_ids.Count == 0)
                return;

            if (peer is null)
            {
                await RegistryRulesAsync(ct);
                await PartyRulesAsync(db, ct);
            }
            else
            {
                // Both on pool threads: started inline, the first would keep this thread while the second waited in its
                // local queue for a thread to steal it (measured: eligibility 50 ms instead of 35 at 100,000 experts).
                // Both are awaited whatever happens to the other, so the peer is idle when the caller disposes it.
                await Task.WhenAll(Task.Run(() => RegistryRulesAsync(ct), ct), Task.Run(() => PartyRulesAsync(peer, ct), ct));
            }
            if (includeNames)
                _names = await NamesAsync(ct);
        }

        /// <summary>Rules on the parties' relations, the experts' employers and their past engagements, read from <paramref name="source"/>.</summary>
        private async Task PartyRulesAsync(ExpertPoolDbContext source, CancellationToken ct)
        {
            await RelationRulesAsync(source, ct);
            if (_s.SameOrganisation)
                await SameOrganisationAsync(source, ct);
            if (_s.WorkloadCapPer12Months > 0)
                await WorkloadAsync(source, ct);
            if (_s.CooldownMonthsSameApplicant > 0)
                await CooldownAsync(source, ct);
        }

        /// <summary>Rules on the registry's own rows and on this request and project, read from this context.</summary>
        private async Task RegistryRulesAsync(CancellationToken ct)
        {
            if (_s.PriorInvolvement)
                PriorInvolvement();
            if (_s.RegionAvoidance && project.RegionCode is not null)
                await RegionAvoidanceAsync(ct);
            if (_s.Availability)
                await AvailabilityAsync(ct);
            if (_s.StatusAndTerm)
                await StatusAndTermAsync(ct);
            if (_s.DeclaredConflicts)
                await DeclaredConflictsAsync(ct);
            if (_s.ManualExclusions)
                await ManualExclusionsAsync(ct);
            await AlreadyInvitedAsync(ct);
        }

        /// <summary>
        /// Gives every distinct candidate a slot and each quota its distinct candidates' slots, in one dictionary step per
        /// row read (a row seen twice in one quota, for two specialties of the subtree, is dropped here).
        /// </summary>
        private void AssignSlots(List<(PanelQuota Quota, List<Guid> Ids)> rows)
        {
            var total = rows.Sum(r => r.Ids.Count);
            _slots = new Dictionary<Guid, int>(total);
            var lastQuota = new int[total];
            for (var q = 0; q < rows.Count; q++)
            {
                var (quota, ids) = rows[q];
                var slots = new int[ids.Count];
                var n = 0;
                foreach (var id in ids)
                {
                    ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_slots, id, out var known);
                    if (!known)
                    {
                        slot = _ids.Count;
                        _ids.Add(id);
                    }
                    if (lastQuota[slot] == q + 1)
                        continue;
                    lastQuota[slot] = q + 1;
                    slots[n++] = slot;
                }
                Array.Resize(ref slots, n);
                _candidates.Add((quota, slots));
            }
            _reasons = new List<ExclusionReason>?[_ids.Count];
        }

        private IEnumerable<int> ExcludedSlots()
        {
            for (var slot = 0; slot < _reasons.Length; slot++)
            {
                if (_reasons[slot] is not null)
                    yield return slot;
            }
        }

        /// <summary>
        /// Names of the excluded candidates only, in one query whose id list is a single JSON array parameter
        /// (json_each on SQLite, unnest on PostgreSQL), so its size meets no parameter limit.
        /// </summary>
        private async Task<Dictionary<Guid, string>> NamesAsync(CancellationToken ct)
        {
            if (!ExcludedSlots().Any())
                return [];
            var ids = ExcludedSlots().Select(slot => _ids[slot]).ToArray();
            return await db.Experts.Where(e => EF.Parameter(ids).Contains(e.Id)).Select(e => new { e.Id, e.Name })
                .ToDictionaryAsync(e => e.Id, e => e.Name, ct);
        }

        public EligibilityReport Report(DateTime now)
        {
            var quotas = new List<QuotaEligibility>(_candidates.Count);
            // 128-bit keys in the order the algorithm hashes the pool (ordinal order of the lowercase "D" text), one per slot.
            var orderKeys = new UInt128[_ids.Count];
            for (var slot = 0; slot < orderKeys.Length; slot++)
                orderKeys[slot] = IsoText.OrderKey(_ids[slot]);
            var quotaKeys = new List<string>?[_ids.Count];
            foreach (var (quota, slots) in _candidates)
            {
                var eligibleKeys = new UInt128[slots.Length];
                var n = 0;
                foreach (var slot in slots)
                {
                    if (_reasons[slot] is null)
                        eligibleKeys[n++] = orderKeys[slot];
                    else
                        (quotaKeys[slot] ??= new List<string>(1)).Add(quota.Key);
                }
                // The pool sorted as keys, then written out as text.
                Array.Sort(eligibleKeys, 0, n);
                var eligible = new string[n];
                for (var i = 0; i < n; i++)
                    eligible[i] = IsoText.GuidText(eligibleKeys[i]);
                quotas.Add(new QuotaEligibility(quota.Key, quota.SpecialtyCode, quota.RegionCode, quota.Count, quota.Backups, slots.Length, n, eligible));
            }

            var excludedSlots = ExcludedSlots().ToArray();
            var excludedKeys = Array.ConvertAll(excludedSlots, slot => orderKeys[slot]);
            Array.Sort(excludedKeys, excludedSlots);
            var exclusions = new List<ExcludedExpert>(excludedSlots.Length);
            foreach (var slot in excludedSlots)
            {
                var reasons = _reasons[slot]!;
                if (reasons.Count > 1)
                    reasons.Sort(ReasonOrder);
                var id = _ids[slot];
                exclusions.Add(new ExcludedExpert(id, _names?[id], quotaKeys[slot]!, reasons));
            }
            return new EligibilityReport(request.Id, ruleSet.Id, ruleSet.Scope, ruleSet.Version, now, _day, quotas, exclusions, _partyUnits);
        }

        private static readonly Dictionary<string, int> RulePosition =
            ConflictRuleCodes.All.Select((code, i) => (code, i)).ToDictionary(x => x.code, x => x.i, StringComparer.Ordinal);

        /// <summary>Reasons in report order of their rules, then by evidence text.</summary>
        private static int ReasonOrder(ExclusionReason a, ExclusionReason b)
        {
            var byRule = RulePosition[a.Rule].CompareTo(RulePosition[b.Rule]);
            return byRule != 0 ? byRule : string.CompareOrdinal(a.Evidence, b.Evidence);
        }

        /// <summary>Rule queries return violators from the whole pool; only candidates are kept (check before building evidence text).</summary>
        private bool IsCandidate(Guid expertId) => _slots.ContainsKey(expertId);

        private void Exclude(Guid expertId, string rule, string evidence, Guid? revealsProject = null)
        {
            if (!_slots.TryGetValue(expertId, out var slot))
                return;
            var reason = new ExclusionReason(rule, evidence, revealsProject);
            // Two groups of rules may exclude at the same time (RunAsync); the slots themselves are only read.
            lock (_reasonsLock)
            {
                var reasons = _reasons[slot] ??= new List<ExclusionReason>(1);
                if (!reasons.Contains(reason))
                    reasons.Add(reason);
            }
        }

        // ---- candidates --------------------------------------------------------------------------------------

        private Task<List<string>> RegionWithCitiesAsync(string code, CancellationToken ct) =>
            db.Regions.Where(r => r.Code == code || r.ParentCode == code).Select(r => r.Code).ToListAsync(ct);

        // ---- parties -----------------------------------------------------------------------------------------

        private sealed record PartyMatch(Guid PartyId, string PartyName, PartyRole Role, string? OtherName)
        {
            /// <summary>The party in the Chinese half of the evidence: name, and the record it matched by name or alias.</summary>
            public string Describe() => OtherName is null
                ? $"{PartyName}（{RoleZh(Role)}）"
                : $"{OtherName}（即 {PartyName}，同名或别名；{RoleZh(Role)}）";

            /// <summary>The same in the English half.</summary>
            public string En() => OtherName is null
                ? $"{PartyName} ({RoleEn(Role)})"
                : $"{OtherName} (= {PartyName} by name or alias; {RoleEn(Role)})";
        }

        /// <summary>
        /// The parties, plus every other organisation record that shares a name or alias with one of them: units appear
        /// under several names, and 回避 must follow the unit, not the record. With them, the applicants' units for the
        /// cooldown: every record (a party of another role included) that shares a name or alias with an applicant.
        /// </summary>
        private async Task<(Dictionary<Guid, PartyMatch> Parties, Dictionary<Guid, PartyMatch> ApplicantUnits, List<PartyUnit> Units)> PartyOrganisationsAsync(ExpertPoolDbContext source, CancellationToken ct)
        {
            var roles = project.Parties.ToDictionary(p => p.OrganisationId, p => p.Role);
            if (roles.Count == 0)
                return ([], [], []);
            var partyIds = roles.Keys.ToList();
            var parties = await source.Organisations.AsNoTracking().Where(o => partyIds.Contains(o.Id))
                .Select(o => new { o.Id, o.Name, o.CreditCode, Aliases = o.Aliases.Select(a => a.Name).ToList() }).ToListAsync(ct);
            var map = parties.ToDictionary(p => p.Id, p => new PartyMatch(p.Id, p.Name, roles[p.Id], null));
            var names = parties.SelectMany(p => p.Aliases.Append(p.Name)).Distinct().ToList();
            var twins = await source.Organisations.AsNoTracking()
                .Where(o => !partyIds.Contains(o.Id) && (names.Contains(o.Name) || o.Aliases.Any(a => names.Contains(a.Name))))
                .Select(o => new { o.Id, o.Name, o.CreditCode, Aliases = o.Aliases.Select(a => a.Name).ToList() }).ToListAsync(ct);
            foreach (var twin in twins)
            {
                var twinNames = twin.Aliases.Append(twin.Name).ToHashSet(StringComparer.Ordinal);
                var party = parties.First(p => p.Aliases.Append(p.Name).Any(twinNames.Contains));
                map[twin.Id] = new PartyMatch(party.Id, party.Name, roles[party.Id], twin.Name);
            }
            // An applicant is matched first by itself, then by the first applicant (in id order) sharing a name or alias.
            var applicants = parties.Where(p => roles[p.Id] == PartyRole.Applicant).OrderBy(p => p.Id).ToList();
            var units = new Dictionary<Guid, PartyMatch>();
            foreach (var org in parties.Concat(twins))
            {
                var orgNames = org.Aliases.Append(org.Name).ToHashSet(StringComparer.Ordinal);
                var applicant = applicants.Find(a => a.Id == org.Id) ?? applicants.Find(a => a.Aliases.Append(a.Name).Any(orgNames.Contains));
                if (applicant is not null)
                    units[org.Id] = new PartyMatch(applicant.Id, applicant.Name, PartyRole.Applicant, applicant.Id == org.Id ? null : org.Name);
            }
            // What the record and the report show: each party, its names, and the other records taken as the same unit.
            var described = parties.OrderBy(p => p.Id.ToString("D"), StringComparer.Ordinal).Select(p =>
            {
                var partyNames = p.Aliases.Append(p.Name).ToHashSet(StringComparer.Ordinal);
                var same = twins
                    .Select(t => (t.Id, t.Name, t.CreditCode, Matched: t.Aliases.Append(t.Name).Where(partyNames.Contains).Distinct().Order(StringComparer.Ordinal).ToList()))
                    .Where(t => t.Matched.Count > 0)
                    .OrderBy(t => t.Id.ToString("D"), StringComparer.Ordinal)
                    .Select(t => new SameUnitRecord(t.Id, t.Name, t.CreditCode, t.Matched))
                    .ToList();
                return new PartyUnit(p.Id, p.Name, p.CreditCode, roles[p.Id], [.. p.Aliases.Distinct().Order(StringComparer.Ordinal)], same);
            }).ToList();
            return (map, units, described);
        }

        private List<Guid> ApplicantOrganisationIds() => [.. _applicantUnits.Keys];

        // ---- 回避 by relation ----------------------------------------------------------------------------------

        private sealed record RelationRow(Guid ExpertId, Guid OrganisationId, RelationKind Kind, DateOnly? From, DateOnly? To);

        private List<RelationRow>? _partyRelations;

        /// <summary>
        /// Candidates' relations with the parties of the given kinds, ongoing or ended on or after the cutoff (ongoing only
        /// without one). The parties' relations are read once, in one query, and shared by every relation rule.
        /// </summary>
        private async Task<List<RelationRow>> RelationsAsync(ExpertPoolDbContext source, RelationKind[] kinds, DateOnly? endedOnOrAfter, CancellationToken ct)
        {
            if (_partyOrgs.Count == 0)
                return [];
            if (_partyRelations is null)
            {
                // Thousands of rows for a big party, so through IdRowReader: the other columns are read for candidates only.
                var orgIds = _partyOrgs.Keys.Cast<object>().ToList();
                var rows = new List<RelationRow>();
                await IdRowReader.ReadAsync(source, $"""
                    SELECT "ExpertId", "OrganisationId", "Kind", "From", "To" FROM "expert_relations"
                    WHERE "OrganisationId" IN ({IdRowReader.Parameters(0, orgIds.Count)})
                    """, orgIds, (id, row) =>
                {
                    if (IsCandidate(id))
                        rows.Add(new RelationRow(id, row.Guid(1), Enum.Parse<RelationKind>(row.String(2)!), row.Date(3), row.Date(4)));
                }, ct);
                _partyRelations = rows;
            }
            return _partyRelations
                .Where(r => kinds.Contains(r.Kind) && (r.To is null || (endedOnOrAfter is { } cutoff && r.To >= cutoff)))
                .ToList();
        }

        private async Task RelationRulesAsync(ExpertPoolDbContext source, CancellationToken ct)
        {
            if (_partyOrgs.Count == 0)
                return;
            foreach (var r in await RelationsAsync(source, [RelationKind.Employment], _day.AddYears(-_s.LabourRelationYears), ct))
                Exclude(r.ExpertId, ConflictRuleCodes.LabourRelation,
                    $"劳动关系：{_partyOrgs[r.OrganisationId].Describe()}，{PeriodZh(r)}，在评审日 {D(_day)} 前 {_s.LabourRelationYears} 年内 / employment with {_partyOrgs[r.OrganisationId].En()} {PeriodEn(r)}, within {_s.LabourRelationYears} years before the review on {D(_day)}");
            foreach (var r in await RelationsAsync(source, Governance, _day.AddYears(-_s.GovernanceRelationYears), ct))
                Exclude(r.ExpertId, ConflictRuleCodes.GovernanceRelation,
                    $"{ExpertVocabulary.Label(r.Kind)}：{_partyOrgs[r.OrganisationId].Describe()}，{PeriodZh(r)}，在评审日前 {_s.GovernanceRelationYears} 年内 / {r.Kind} of {_partyOrgs[r.OrganisationId].En()} {PeriodEn(r)}, within {_s.GovernanceRelationYears} years before the review");
            if (_s.FamilyRelation)
            {
                foreach (var r in await RelationsAsync(source, [RelationKind.FamilyOfLegalRepresentative], null, ct))
                    Exclude(r.ExpertId, ConflictRuleCodes.FamilyRelation,
                        $"与 {_partyOrgs[r.OrganisationId].Describe()} 的法定代表人存在亲属关系（{PeriodZh(r)}）/ family of the legal representative of {_partyOrgs[r.OrganisationId].En()}");
            }
            if (_s.DisputeOrInvestment)
            {
                foreach (var r in await RelationsAsync(source, DisputeOrInvestment, _day.AddYears(-_s.DisputeOrInvestmentYears), ct))
                    Exclude(r.ExpertId, ConflictRuleCodes.DisputeOrInvestment,
                        $"{ExpertVocabulary.Label(r.Kind)}：{_partyOrgs[r.OrganisationId].Describe()}，{PeriodZh(r)}，在评审日前 {_s.DisputeOrInvestmentYears} 年内 / {(r.Kind == RelationKind.Investment ? "investment in" : "legal dispute with")} {_partyOrgs[r.OrganisationId].En()} {PeriodEn(r)}");
            }
        }

        private void PriorInvolvement()
        {
            // Preparers reference experts (foreign key): no query needed, and their names are read with the others.
            foreach (var p in project.Preparers)
                Exclude(p.ExpertId, ConflictRuleCodes.PriorInvolvement,
                    $"参与过本项目 {project.Code} 的准备工作{(p.Note is { } n ? "：" + Free(n) : "")} / took part in preparing project {project.Code}");
        }

        private async Task SameOrganisationAsync(ExpertPoolDbContext source, CancellationToken ct)
        {
            if (_partyOrgs.Count == 0)
                return;
            var orgIds = _partyOrgs.Keys.ToList();
            var employees = await source.Experts.Where(e => orgIds.Contains(e.EmployerId)).Select(e => new { e.Id, e.EmployerId }).ToListAsync(ct);
            foreach (var e in employees.Where(x => IsCandidate(x.Id)))
                Exclude(e.Id, ConflictRuleCodes.SameOrganisation,
                    $"工作单位 {_partyOrgs[e.EmployerId].Describe()} 是项目参与方 / employer {_partyOrgs[e.EmployerId].En()} is a party to the project");
            foreach (var r in await RelationsAsync(source, OngoingSameOrganisation, null, ct))
                Exclude(r.ExpertId, ConflictRuleCodes.SameOrganisation,
                    $"与 {_partyOrgs[r.OrganisationId].Describe()} 存在持续的{ExpertVocabulary.Label(r.Kind)}（{PeriodZh(r)}）/ ongoing {r.Kind} relation with {_partyOrgs[r.OrganisationId].En()}");
        }

        // ---- practice rules ----------------------------------------------------------------------------------

        private async Task WorkloadAsync(ExpertPoolDbContext source, CancellationToken ct)
        {
            var cap = _s.WorkloadCapPer12Months;
            var since = _day.AddMonths(-12);
            // The window (since, day] spans one or two calendar years; whoever has `cap` engagements in it has at least
            // ⌈cap / years⌉ in one of them. Only those suspects (from the per-year counts' index) are counted exactly.
            int[] years = since.AddDays(1).Year == _day.Year ? [_day.Year] : [since.AddDays(1).Year, _day.Year];
            var threshold = (cap + years.Length - 1) / years.Length;
            var suspects = source.ExpertEngagementYears.Where(y => years.Contains(y.Year) && y.Count >= threshold).Select(y => y.ExpertId);
            var rows = await source.ExpertEngagements
                .Where(x => suspects.Contains(x.ExpertId) && x.ReviewDate > since && x.ReviewDate <= _day)
                .GroupBy(x => x.ExpertId)
                .Where(g => g.Count() >= cap)
                .Select(g => new { ExpertId = g.Key, Count = g.Count() })
                .ToListAsync(ct);
            foreach (var r in rows.Where(x => IsCandidate(x.ExpertId)))
                Exclude(r.ExpertId, ConflictRuleCodes.WorkloadCap,
                    $"{D(since.AddDays(1))} 至 {D(_day)} 已确认参加 {r.Count} 次（上限 {cap} 次/12个月）/ {r.Count} confirmed engagements in the 12 months up to {D(_day)} (cap {cap})");
        }

        private async Task CooldownAsync(ExpertPoolDbContext source, CancellationToken ct)
        {
            var applicants = ApplicantOrganisationIds();
            if (applicants.Count == 0)
                return;
            var months = _s.CooldownMonthsSameApplicant;
            var since = _day.AddMonths(-months);
            var until = _day.AddMonths(months);
            // Through IdRowReader: a busy applicant has thousands of engagements. No join with projects (its statistics
            // go stale as projects are added one by one, and PostgreSQL then re-scanned the engagements per project):
            // the few projects' codes are read afterwards, and text is made for candidates only.
            var placeholders = IdRowReader.Parameters(2, applicants.Count);
            var hits = new List<(Guid ExpertId, Guid ApplicantId, DateOnly? Day, Guid ProjectId)>();
            // Engagements on this same project (seats of an earlier draw of it, before a supplementary one) are not an
            // earlier review of the applicant: those experts are excluded as already invited, with that as the reason.
            void Hit(Guid id, IdRow row)
            {
                if (IsCandidate(id) && row.Guid(3) is var projectId && projectId != project.Id)
                    hits.Add((id, row.Guid(1), row.Date(2), projectId));
            }
            // The engagement stores one applicant of its project (the covering index answers that). A project with
            // several applicants is also found through its parties, below. (One join of parties and engagements was
            // tried: both SQLite and PostgreSQL then read every engagement of the window, +25–100 ms at 100,000 experts.)
            await IdRowReader.ReadAsync(source, $"""
                SELECT "ExpertId", "ApplicantOrganisationId", "ReviewDate", "ProjectId" FROM "expert_engagements"
                WHERE "ApplicantOrganisationId" IN ({placeholders}) AND "ReviewDate" > @p0 AND "ReviewDate" < @p1
                """, [since, until, .. applicants.Cast<object>()], Hit, ct);
            // Which of the applicants' projects had another applicant too: a small read of the parties. Usually none, and
            // then no second read at all; otherwise only those projects' engagements (decision 011).
            var shared = await source.ProjectParties.AsNoTracking()
                .Where(p => applicants.Contains(p.OrganisationId) && p.Role == PartyRole.Applicant
                    && source.ProjectParties.Any(o => o.ProjectId == p.ProjectId && o.Role == PartyRole.Applicant && o.OrganisationId != p.OrganisationId))
                .Select(p => new { p.ProjectId, p.OrganisationId }).ToListAsync(ct);
            if (shared.Count > 0)
            {
                var projects = shared.Select(x => x.ProjectId).Distinct().Cast<object>().ToList();
                var applicantOf = shared.ToLookup(x => x.ProjectId, x => x.OrganisationId);
                var storedApplicants = applicants.ToHashSet();
                await IdRowReader.ReadAsync(source, $"""
                    SELECT "ExpertId", "ApplicantOrganisationId", "ReviewDate", "ProjectId" FROM "expert_engagements"
                    WHERE "ProjectId" IN ({IdRowReader.Parameters(2, projects.Count)}) AND "ReviewDate" > @p0 AND "ReviewDate" < @p1
                    """, [since, until, .. projects], (id, row) =>
                {
                    // Engagements whose stored applicant is one of these were returned by the first read; every other
                    // engagement comes once here, so each gives one reason.
                    var stored = row.IsNull(1) ? (Guid?)null : row.Guid(1);
                    if (!IsCandidate(id) || (stored is { } a && storedApplicants.Contains(a)))
                        return;
                    var projectId = row.Guid(3);
                    if (projectId != project.Id)
                        hits.Add((id, applicantOf[projectId].Min(), row.Date(2), projectId)); // the same one in every evaluation
                }, ct);
            }
            if (hits.Count == 0)
                return;
            var projectIds = hits.Select(h => h.ProjectId).Distinct().ToList();
            var codes = await source.Projects.Where(p => projectIds.Contains(p.Id)).Select(p => new { p.Id, p.Code }).ToDictionaryAsync(p => p.Id, p => p.Code, ct);
            foreach (var (id, applicantId, day, projectId) in hits)
            {
                var applicant = _applicantUnits[applicantId];
                var code = codes[projectId];
                Exclude(id, ConflictRuleCodes.Cooldown,
                    $"{D(day)} 评审过 {applicant.Describe()} 的项目 {code}（冷却期 {months} 个月）/ reviewed project {code} for {applicant.En()} on {D(day)} (cooldown {months} months)",
                    projectId);
            }
        }

        /// <summary>
        /// Experts of the project's region: the region itself and its cities, and, when it is a city, its province too: an
        /// expert registered only at province level may well live in that city, and a conflict rule errs on the side of
        /// excluding (decision 011).
        /// </summary>
        private async Task RegionAvoidanceAsync(CancellationToken ct)
        {
            var code = project.RegionCode!;
            var regions = await RegionWithCitiesAsync(code, ct);
            var province = await db.Regions.Where(r => r.Code == code).Select(r => r.ParentCode).FirstOrDefaultAsync(ct);
            if (province is not null)
                regions.Add(province);
            var rows = await db.Experts.Where(e => regions.Contains(e.RegionCode)).Select(e => new { e.Id, e.RegionCode }).ToListAsync(ct);
            foreach (var e in rows.Where(x => IsCandidate(x.Id)))
                Exclude(e.Id, ConflictRuleCodes.RegionAvoidance, e.RegionCode == province
                    ? $"专家登记地区为省级 {e.RegionCode}，包含评审地点地区 {code}，可能为本地专家（地域回避）/ expert's region is the province {e.RegionCode}, which contains the project's region {code}: possibly local"
                    : $"专家所在地区 {e.RegionCode} 属于评审地点地区 {code}（地域回避）/ expert's region {e.RegionCode} is within the project's region {code}");
        }

        private async Task AvailabilityAsync(CancellationToken ct)
        {
            var rows = await db.AvailabilityBlackouts
                .Where(b => b.From <= _day && b.To >= _day)
                .Select(b => new { b.ExpertId, b.From, b.To, b.Reason }).ToListAsync(ct);
            foreach (var r in rows.Where(x => IsCandidate(x.ExpertId)))
                Exclude(r.ExpertId, ConflictRuleCodes.Unavailable,
                    $"{D(r.From)} 至 {D(r.To)} 不可用{(r.Reason is null ? "" : "（" + Free(r.Reason) + "）")}，覆盖评审日 {D(_day)} / unavailable {D(r.From)} – {D(r.To)}, covering the review on {D(_day)}");
        }

        /// <summary>
        /// Two index-selective queries (status, then term dates) over the pool; only candidates are kept. Restricting them
        /// to candidates in SQL would cost one key lookup per candidate, which is what made this rule slow. The status
        /// query is answered by the (Status, Id) index alone.
        /// </summary>
        private async Task StatusAndTermAsync(CancellationToken ct)
        {
            var day = _day;
            // Every expert not Active (a sixth of a typical pool), so read through IdRowReader, grouped by status: the
            // evidence text is made once per status.
            var notActive = Enum.GetNames<ExpertStatus>().Where(x => x != nameof(ExpertStatus.Active)).ToList<object>();
            var placeholders = IdRowReader.Parameters(0, notActive.Count);
            var byStatus = await IdRowReader.ReadIdsByKeyAsync(db, "\"Id\"", "\"Status\"", $"""FROM "experts" WHERE "Status" IN ({placeholders})""", notActive, ct);
            foreach (var (status, ids) in byStatus)
            {
                var value = Enum.Parse<ExpertStatus>(status);
                var text = $"状态为「{ExpertVocabulary.Label(value)}」，不是「在库」/ status is {value}, not Active";
                foreach (var id in ids)
                {
                    if (IsCandidate(id))
                        Exclude(id, ConflictRuleCodes.Status, text);
                }
            }
            // The (TermEnd) and (TermStart) indexes answer this; dates are converted for candidates only.
            // Two disjoint index ranges rather than one OR (SQLite's multi-index OR plan keeps a rowid set to drop
            // duplicates; at 100,000 experts the rule took 21 ms with it, 14 ms without).
            await IdRowReader.ReadAsync(db, """
                SELECT "Id", "TermStart", "TermEnd" FROM "experts" WHERE "TermEnd" < @p0
                UNION ALL
                SELECT "Id", "TermStart", "TermEnd" FROM "experts" WHERE "TermStart" > @p0 AND ("TermEnd" IS NULL OR "TermEnd" >= @p0)
                """, [day], (id, row) =>
            {
                if (!IsCandidate(id))
                    return;
                var (start, end) = (row.Date(1), row.Date(2));
                Exclude(id, ConflictRuleCodes.TermExpired,
                    $"聘期 {D(start)} 至 {D(end)} 未覆盖评审日 {D(day)} / term {D(start)} – {D(end)} does not cover the review on {D(day)}");
            }, ct);
        }

        private async Task DeclaredConflictsAsync(CancellationToken ct)
        {
            if (_partyOrgs.Count == 0)
                return;
            var orgIds = _partyOrgs.Keys.ToList();
            var rows = await db.DeclaredConflicts
                .Where(c => orgIds.Contains(c.OrganisationId))
                .Select(c => new
                {
                    c.ExpertId, c.OrganisationId, c.Reason, c.DeclaredAt, c.Source,
                    // Declared on declining an invitation: the evidence shows that the expert was drawn for that project.
                    ProjectId = db.PanelRequests.Where(p => p.Id == c.PanelRequestId).Select(p => (Guid?)p.ProjectId).FirstOrDefault(),
                }).ToListAsync(ct);
            foreach (var r in rows.Where(x => IsCandidate(x.ExpertId)))
                Exclude(r.ExpertId, ConflictRuleCodes.DeclaredConflict,
                    $"专家于 {D(DateOnly.FromDateTime(r.DeclaredAt))}{(r.Source == DeclaredConflictSource.DeclinedInvitation ? "谢绝邀请时" : "")}声明与 {_partyOrgs[r.OrganisationId].Describe()} 存在利益冲突：{Free(r.Reason)} / declared on {D(DateOnly.FromDateTime(r.DeclaredAt))}{(r.Source == DeclaredConflictSource.DeclinedInvitation ? ", on declining an invitation," : "")} a conflict with {_partyOrgs[r.OrganisationId].En()}: {Free(r.Reason)}",
                    r.ProjectId);
        }

        private async Task ManualExclusionsAsync(CancellationToken ct)
        {
            var rows = await db.ManualExclusions
                .Where(x => x.PanelRequestId == request.Id)
                .Select(x => new { x.ExpertId, x.Reason, x.CreatedBy, x.CreatedAt }).ToListAsync(ct);
            foreach (var r in rows.Where(x => IsCandidate(x.ExpertId)))
                Exclude(r.ExpertId, ConflictRuleCodes.ManualExclusion,
                    $"管理员 {r.CreatedBy} 于 {r.CreatedAt:yyyy-MM-dd HH:mm}Z 排除：{Free(r.Reason)} / excluded by {r.CreatedBy}: {Free(r.Reason)}");
        }

        private async Task AlreadyInvitedAsync(CancellationToken ct)
        {
            // A backup passed over (Skipped, e.g. while suspended) was never invited: back in the pool, they may be drawn.
            var rows = await db.Invitations
                .Where(i => i.ProjectId == project.Id && i.PanelRequestId != request.Id && i.Status != Invitations.InvitationStatus.Skipped)
                .Select(i => new { i.ExpertId, i.Status, i.InvitedAt }).ToListAsync(ct);
            foreach (var r in rows.Where(x => IsCandidate(x.ExpertId)))
                Exclude(r.ExpertId, ConflictRuleCodes.AlreadyInvited,
                    $"已于 {r.InvitedAt:yyyy-MM-dd HH:mm}Z 受邀参加本项目（{r.Status}），补抽不再抽取 / already invited for this project on {r.InvitedAt:yyyy-MM-dd HH:mm}Z ({r.Status}); a supplementary draw does not draw them again");
            // A backup of an earlier draw for the project who has not been reached yet is still that draw's reserve: drawn
            // here too, they could be invited twice for one panel (once here, once when the earlier draw reaches them).
            var reserved = await (from sel in db.DrawSelections
                                  join d in db.DrawRecords on sel.DrawRecordId equals d.Id
                                  where d.ProjectId == project.Id && d.PanelRequestId != request.Id && d.Outcome == Draws.DrawRecordOutcome.Succeeded
                                        && sel.Role == Draws.SelectionRole.Backup
                                        && !db.DrawWithdrawals.Any(w => w.DrawRecordId == d.Id)
                                        && !db.Invitations.Any(i => i.DrawRecordId == d.Id && i.ExpertId == sel.ExpertId)
                                  select new { sel.ExpertId, sel.QuotaKey, sel.Rank, d.ExecutedAt }).ToListAsync(ct);
            foreach (var r in reserved.Where(x => IsCandidate(x.ExpertId)))
                Exclude(r.ExpertId, ConflictRuleCodes.AlreadyInvited,
                    $"是本项目 {r.ExecutedAt:yyyy-MM-dd HH:mm}Z 抽取中名额 {r.QuotaKey} 的第 {r.Rank} 位候补，尚待递补，补抽不再抽取 / backup {r.Rank} of quota {r.QuotaKey} in this project's draw of {r.ExecutedAt:yyyy-MM-dd HH:mm}Z, not reached yet; a supplementary draw does not draw them");
        }

        // ---- wording -----------------------------------------------------------------------------------------

        private static string D(DateOnly? d) => d is { } day ? IsoText.Date(day) : "?";

        /// <summary>
        /// Free text people wrote (a declared reason, a blackout's reason, a preparer's note, an exclusion's reason) as the
        /// evidence carries it: numbers and addresses masked, since the record is read by auditors (the registry keeps the
        /// full text for administrators).
        /// </summary>
        private static string Free(string text) => PersonalData.MaskIn(text);

        private static string PeriodZh(RelationRow r) => r.To is null ? $"{(r.From is null ? "" : D(r.From) + " 起")}至今" : $"{(r.From is null ? "" : D(r.From) + " 至 ")}{D(r.To)} 止";

        private static string PeriodEn(RelationRow r) => r.To is null ? $"ongoing{(r.From is null ? "" : " since " + D(r.From))}" : $"{(r.From is null ? "" : "from " + D(r.From) + " ")}until {D(r.To)}";

        private static string RoleEn(PartyRole role) => role switch
        {
            PartyRole.Applicant => "applicant",
            PartyRole.Partner => "partner",
            PartyRole.Supplier => "supplier",
            _ => "other party",
        };

        private static string RoleZh(PartyRole role) => role switch
        {
            PartyRole.Applicant => "申请单位",
            PartyRole.Partner => "合作单位",
            PartyRole.Supplier => "供应商",
            _ => "其他参与方",
        };
    }
}

/// <summary>Reading rule sets: the current version of a scope is its highest version.</summary>
public static class ConflictRuleSets
{
    /// <summary>The current version for the engagement type, else the current default (the migration seeds version 1).</summary>
    public static async Task<ConflictRuleSet> CurrentAsync(ExpertPoolDbContext db, EngagementType type, CancellationToken ct)
    {
        var scope = ConflictRuleSet.ScopeOf(type);
        return await CurrentOfScopeAsync(db, scope, ct)
            ?? await CurrentOfScopeAsync(db, ConflictRuleSet.DefaultScope, ct)
            ?? throw new InvalidOperationException("No default conflict rule set: the database was not migrated (the migration seeds version 1).");
    }

    /// <summary>
    /// The rule set a request's entropy rows pinned: the first row's, in entry order (<see cref="DrawEntropyQueries.InEntryOrder"/>),
    /// that has one. Null when none has (rows entered before rule sets were pinned), and the current version applies.
    /// The preview, the draw and the verification all decide it here.
    /// </summary>
    public static Guid? PinnedBy(IEnumerable<Draws.DrawEntropy> rowsInEntryOrder) => PinningRow(rowsInEntryOrder, e => e.RuleSetId)?.RuleSetId;

    /// <summary>The first of <paramref name="rowsInEntryOrder"/> that pinned a rule set, whatever form the rows take.</summary>
    public static T? PinningRow<T>(IEnumerable<T> rowsInEntryOrder, Func<T, Guid?> ruleSetOf) where T : class =>
        rowsInEntryOrder.FirstOrDefault(r => ruleSetOf(r) is not null);

    public static Task<ConflictRuleSet?> CurrentOfScopeAsync(ExpertPoolDbContext db, string scope, CancellationToken ct) =>
        db.ConflictRuleSets.AsNoTracking().Where(r => r.Scope == scope).OrderByDescending(r => r.Version).FirstOrDefaultAsync(ct);
}
