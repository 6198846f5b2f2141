using ExpertPool.Domain.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ExpertPool.Domain.Experts;

/// <summary>Filters shared by the expert list and the CSV export. A specialty covers its whole subtree; a province covers its cities.</summary>
public sealed record ExpertFilter(
    string? Specialty = null,
    string? Region = null,
    ExpertStatus? Status = null,
    TitleGrade? TitleGrade = null,
    string? Query = null)
{
    public async Task<IQueryable<Expert>> ApplyAsync(ExpertPoolDbContext db, IQueryable<Expert> experts, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(Specialty))
        {
            var code = Specialty.Trim().ToUpperInvariant();
            var root = await db.Specialties.Where(s => s.Code == code).Select(s => s.Path).FirstOrDefaultAsync(ct)
                ?? throw new Common.DomainValidationException("specialty", $"专业代码 {code} 不存在 / unknown specialty code '{code}'");
            var ids = await db.Specialties.Where(s => s.Path.StartsWith(root)).Select(s => s.Id).ToListAsync(ct);
            // An uncorrelated IN (subquery) lets the database build the matching set once from the (SpecialtyId, ExpertId) index.
            var inSubtree = db.ExpertSpecialties.Where(es => ids.Contains(es.SpecialtyId)).Select(es => es.ExpertId);
            experts = experts.Where(e => inSubtree.Contains(e.Id));
        }
        if (!string.IsNullOrWhiteSpace(Region))
        {
            var code = Region.Trim();
            var codes = await db.Regions.Where(r => r.Code == code || r.ParentCode == code).Select(r => r.Code).ToListAsync(ct);
            if (codes.Count == 0)
                throw new Common.DomainValidationException("region", $"行政区划代码 {code} 不存在 / unknown region code '{code}'");
            experts = codes.Count == 1 ? experts.Where(e => e.RegionCode == code) : experts.Where(e => codes.Contains(e.RegionCode));
        }
        if (Status is { } status)
            experts = experts.Where(e => e.Status == status);
        if (TitleGrade is { } grade)
            experts = experts.Where(e => e.TitleGrade == grade);
        if (!string.IsNullOrWhiteSpace(Query))
        {
            var q = Query.Trim();
            // Employers are few: match them first, then experts by name or employer.
            var employers = db.Organisations.Where(o => o.Name.Contains(q) || o.Aliases.Any(a => a.Name.Contains(q))).Select(o => o.Id);
            experts = experts.Where(e => e.Name.Contains(q) || employers.Contains(e.EmployerId));
        }
        return experts;
    }
}
