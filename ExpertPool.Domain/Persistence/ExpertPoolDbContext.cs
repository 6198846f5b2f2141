using ExpertPool.Domain.Conflicts;
using ExpertPool.Domain.Draws;
using ExpertPool.Domain.Experts;
using ExpertPool.Domain.Organisations;
using ExpertPool.Domain.Projects;
using ExpertPool.Domain.Regions;
using ExpertPool.Domain.Specialties;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ExpertPool.Domain.Persistence;

/// <summary>
/// The application database. Each provider has a subclass (<see cref="SqliteExpertPoolDbContext"/>,
/// <see cref="PostgresExpertPoolDbContext"/>) that owns its own hand-written migration set.
/// </summary>
public abstract class ExpertPoolDbContext : DbContext
{
    protected ExpertPoolDbContext(DbContextOptions options) : base(options)
    {
    }

    public DbSet<Expert> Experts => Set<Expert>();
    public DbSet<ExpertSpecialty> ExpertSpecialties => Set<ExpertSpecialty>();
    public DbSet<ExpertStatusChange> ExpertStatusChanges => Set<ExpertStatusChange>();
    public DbSet<AvailabilityBlackout> AvailabilityBlackouts => Set<AvailabilityBlackout>();
    public DbSet<Organisation> Organisations => Set<Organisation>();
    public DbSet<OrganisationAlias> OrganisationAliases => Set<OrganisationAlias>();
    public DbSet<Specialty> Specialties => Set<Specialty>();
    public DbSet<Region> Regions => Set<Region>();
    public DbSet<ExpertRelation> ExpertRelations => Set<ExpertRelation>();
    public DbSet<DeclaredConflict> DeclaredConflicts => Set<DeclaredConflict>();
    public DbSet<Project> Projects => Set<Project>();
    public DbSet<ProjectParty> ProjectParties => Set<ProjectParty>();
    public DbSet<ProjectPreparer> ProjectPreparers => Set<ProjectPreparer>();
    public DbSet<ConflictRuleSet> ConflictRuleSets => Set<ConflictRuleSet>();
    public DbSet<ExpertEngagement> ExpertEngagements => Set<ExpertEngagement>();
    public DbSet<ExpertEngagementYear> ExpertEngagementYears => Set<ExpertEngagementYear>();
    public DbSet<PanelRequest> PanelRequests => Set<PanelRequest>();
    public DbSet<PanelQuota> PanelQuotas => Set<PanelQuota>();
    public DbSet<ManualExclusion> ManualExclusions => Set<ManualExclusion>();
    public DbSet<DrawRecord> DrawRecords => Set<DrawRecord>();
    public DbSet<DrawSelection> DrawSelections => Set<DrawSelection>();
    public DbSet<DrawEntropy> DrawEntropies => Set<DrawEntropy>();
    public DbSet<Invitations.Invitation> Invitations => Set<Invitations.Invitation>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ExpertPoolDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every timestamp is UTC; SQLite hands DateTime back as Unspecified, so say what it is.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}

public sealed class SqliteExpertPoolDbContext(DbContextOptions<SqliteExpertPoolDbContext> options) : ExpertPoolDbContext(options);

public sealed class PostgresExpertPoolDbContext(DbContextOptions<PostgresExpertPoolDbContext> options) : ExpertPoolDbContext(options);
