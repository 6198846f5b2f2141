using System.Data;
using ExpertPool.Domain.Conflicts;
using ExpertPool.Domain.Draws;
using ExpertPool.Domain.Experts;
using ExpertPool.Domain.Organisations;
using ExpertPool.Domain.Projects;
using ExpertPool.Domain.Regions;
using ExpertPool.Domain.Specialties;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
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

    /// <summary>
    /// A transaction in which every read sees one consistent state of the database and whose writes commit with them
    /// (a draw's eligibility, record and status change). Provider-specific, hence here.
    /// </summary>
    public abstract Task<IDbContextTransaction> BeginSnapshotTransactionAsync(CancellationToken ct);

    /// <summary>
    /// A read-only snapshot for a report made of many queries (the eligibility preview): every query sees one state of
    /// the database, and no writer is blocked. Disposing it ends the transaction; nothing is written.
    /// </summary>
    public abstract Task<IAsyncDisposable> BeginReadSnapshotAsync(CancellationToken ct);

    /// <summary>
    /// A write transaction in which no other rule-set version can be created: rule-set versions are numbered across all
    /// scopes, so the next number is read and written under one lock (decision 010).
    /// </summary>
    public abstract Task<IDbContextTransaction> BeginRuleSetChangeAsync(CancellationToken ct);

    /// <summary>
    /// Writes a Scheduled request's row again, unchanged, with the next save. Whatever changes a draw's inputs (its
    /// entropy, an exclusion, its project) does this inside <see cref="BeginSnapshotTransactionAsync"/>: on PostgreSQL two
    /// such transactions, or one and a draw, then cannot both commit; on SQLite the write lock already orders them.
    /// </summary>
    public void RewriteRequestRow(Draws.PanelRequest request) =>
        Entry(request).Property(r => r.SupervisorName).IsModified = true;

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

public sealed class SqliteExpertPoolDbContext(DbContextOptions<SqliteExpertPoolDbContext> options) : ExpertPoolDbContext(options)
{
    /// <summary>BEGIN IMMEDIATE: one WAL snapshot for every read, and the write lock is ours before the first read, so the
    /// commit cannot fail on a snapshot that another writer moved on from.</summary>
    public override Task<IDbContextTransaction> BeginSnapshotTransactionAsync(CancellationToken ct) =>
        Database.BeginTransactionAsync(IsolationLevel.Serializable, ct);

    /// <summary>SQLite has one writer at a time: the immediate write lock covers reading the next version number.</summary>
    public override Task<IDbContextTransaction> BeginRuleSetChangeAsync(CancellationToken ct) =>
        Database.BeginTransactionAsync(IsolationLevel.Serializable, ct);

    /// <summary>A deferred BEGIN: the WAL snapshot is taken at the first read and no write lock is ever asked for.</summary>
    public override async Task<IAsyncDisposable> BeginReadSnapshotAsync(CancellationToken ct)
    {
        await Database.OpenConnectionAsync(ct);
        SqliteTransaction? transaction = null;
        try
        {
            transaction = ((SqliteConnection)Database.GetDbConnection()).BeginTransaction(deferred: true);
            var wrapper = await Database.UseTransactionAsync(transaction, ct)
                ?? throw new InvalidOperationException("EF did not take the SQLite transaction.");
            return new ReadSnapshot(this, wrapper, transaction);
        }
        catch
        {
            if (transaction is not null)
                await transaction.DisposeAsync();
            await Database.CloseConnectionAsync();
            throw;
        }
    }

    /// <summary>
    /// Ends the snapshot: EF's wrapper (which clears the context's transaction and gives back its own open of the
    /// connection), then the SQLite transaction (rolled back: nothing was written), then this snapshot's open.
    /// </summary>
    private sealed class ReadSnapshot(SqliteExpertPoolDbContext db, IDbContextTransaction wrapper, SqliteTransaction transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await wrapper.DisposeAsync();
                await transaction.DisposeAsync();
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }
}

public sealed class PostgresExpertPoolDbContext(DbContextOptions<PostgresExpertPoolDbContext> options) : ExpertPoolDbContext(options)
{
    /// <summary>REPEATABLE READ: every statement sees the snapshot taken at the first one (READ COMMITTED, the default,
    /// takes a new one per statement); a concurrent change to a row this transaction then writes fails the commit.</summary>
    public override Task<IDbContextTransaction> BeginSnapshotTransactionAsync(CancellationToken ct) =>
        Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);

    /// <summary>REPEATABLE READ as well; it writes nothing, so it cannot fail on a concurrent change, and disposing rolls back.</summary>
    public override async Task<IAsyncDisposable> BeginReadSnapshotAsync(CancellationToken ct) =>
        await Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);

    /// <summary>READ COMMITTED plus a lock that only other rule-set changes wait for (readers are never blocked).</summary>
    public override async Task<IDbContextTransaction> BeginRuleSetChangeAsync(CancellationToken ct)
    {
        var transaction = await Database.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
        await Database.ExecuteSqlRawAsync("LOCK TABLE conflict_rule_sets IN SHARE ROW EXCLUSIVE MODE", ct);
        return transaction;
    }
}
