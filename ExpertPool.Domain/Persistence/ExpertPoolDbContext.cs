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
using SQLitePCL;

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
    /// A second context that reads exactly the state this context's <see cref="BeginSnapshotTransactionAsync"/>
    /// transaction reads, so that independent reads of one evaluation can run on two connections at once (the draw's
    /// rule queries, decision 013 section 9). Null when that cannot be guaranteed: the provider has no such peer, this
    /// context is not in its own snapshot transaction, or that transaction has already written. The caller then reads
    /// everything on this context. The peer only reads; dispose it before the transaction ends.
    /// </summary>
    internal virtual Task<SnapshotPeer?> OpenSnapshotPeerAsync(CancellationToken ct) => Task.FromResult<SnapshotPeer?>(null);

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
    public DbSet<ExpertChange> ExpertChanges => Set<ExpertChange>();
    public DbSet<Experts.Applications.ExpertApplication> ExpertApplications => Set<Experts.Applications.ExpertApplication>();
    public DbSet<AvailabilityBlackout> AvailabilityBlackouts => Set<AvailabilityBlackout>();
    public DbSet<Organisation> Organisations => Set<Organisation>();
    public DbSet<OrganisationAlias> OrganisationAliases => Set<OrganisationAlias>();
    public DbSet<OrganisationChange> OrganisationChanges => Set<OrganisationChange>();
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
    public DbSet<DrawWithdrawal> DrawWithdrawals => Set<DrawWithdrawal>();
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
    private readonly DbContextOptions<SqliteExpertPoolDbContext> _options = options;
    private IDbContextTransaction? _snapshotTransaction;
    private long _changesAtSnapshot;

    /// <summary>BEGIN IMMEDIATE: one WAL snapshot for every read, and the write lock is ours before the first read, so the
    /// commit cannot fail on a snapshot that another writer moved on from.</summary>
    public override async Task<IDbContextTransaction> BeginSnapshotTransactionAsync(CancellationToken ct)
    {
        var transaction = await Database.BeginTransactionAsync(IsolationLevel.Serializable, ct);
        _snapshotTransaction = transaction;
        _changesAtSnapshot = raw.sqlite3_total_changes(((SqliteConnection)Database.GetDbConnection()).Handle);
        return transaction;
    }

    /// <summary>
    /// A peer on another connection of the same file, in a deferred read transaction. While this context's BEGIN IMMEDIATE
    /// transaction is open no other connection can commit, so the peer's snapshot, taken at its first read, is the one this
    /// transaction began with; it equals what this transaction reads as long as this transaction has written nothing
    /// (its connection's change count is where it was at BEGIN). An in-memory database has no second connection to it.
    /// </summary>
    internal override async Task<SnapshotPeer?> OpenSnapshotPeerAsync(CancellationToken ct)
    {
        if (_snapshotTransaction is null || !ReferenceEquals(Database.CurrentTransaction, _snapshotTransaction))
            return null;
        var connection = (SqliteConnection)Database.GetDbConnection();
        var builder = new SqliteConnectionStringBuilder(connection.ConnectionString);
        if (builder.DataSource is "" or ":memory:" || builder.Mode == SqliteOpenMode.Memory
            || builder.DataSource.Contains(":memory:", StringComparison.OrdinalIgnoreCase)
            || builder.DataSource.Contains("mode=memory", StringComparison.OrdinalIgnoreCase))
            return null;
        if (raw.sqlite3_total_changes(connection.Handle) != _changesAtSnapshot)
            return null;
        var peer = new SqliteExpertPoolDbContext(_options);
        try
        {
            return new SnapshotPeer(peer, await peer.BeginReadSnapshotAsync(ct));
        }
        catch (SqliteException)
        {
            // No second connection now (the file is busy or unreadable to it): the caller reads everything itself.
            await peer.DisposeAsync();
            return null;
        }
        catch
        {
            await peer.DisposeAsync();
            throw;
        }
    }

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

/// <summary>A peer context in a read snapshot (<see cref="ExpertPoolDbContext.OpenSnapshotPeerAsync"/>); disposing ends both.</summary>
internal sealed class SnapshotPeer(ExpertPoolDbContext context, IAsyncDisposable snapshot) : IAsyncDisposable
{
    public ExpertPoolDbContext Context { get; } = context;

    public async ValueTask DisposeAsync()
    {
        try
        {
            await snapshot.DisposeAsync();
        }
        finally
        {
            await Context.DisposeAsync();
        }
    }
}
