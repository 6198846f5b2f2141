using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ExpertPool.Domain.Persistence;

public static class PersistenceServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ExpertPoolDbContext"/> for the provider named by <c>Database:Provider</c>.
    /// This is the one place that knows about providers: a new provider is a new context subclass,
    /// a migrations folder and a case here.
    /// </summary>
    public static IServiceCollection AddExpertPoolPersistence(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddOptions<DatabaseOptions>()
            .BindConfiguration(DatabaseOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        var options = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        switch (options.Provider)
        {
            case DatabaseProvider.Postgres:
                services.AddDbContext<ExpertPoolDbContext, PostgresExpertPoolDbContext>(o => ConfigurePostgres(o, options.ConnectionString ?? ""));
                break;
            default:
                var cs = SqliteConnectionString(options.ConnectionString, environment.ContentRootPath);
                services.AddDbContext<ExpertPoolDbContext, SqliteExpertPoolDbContext>(o => ConfigureSqlite(o, cs));
                if (!IsInMemory(new SqliteConnectionStringBuilder(cs)))
                {
                    services.AddHostedService(sp => new SqliteCheckpointer(cs, sp.GetRequiredService<TimeProvider>(),
                        sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<SqliteCheckpointer>>()));
                }
                break;
        }
        services.AddScoped<DatabaseMigrator>();
        return services;
    }

    public static void ConfigureSqlite(DbContextOptionsBuilder o, string connectionString) =>
        o.UseSqlite(connectionString, s => s.MigrationsHistoryTable("__ef_migrations"))
            .AddInterceptors(SqlitePragmaInterceptor.Instance);

    public static void ConfigurePostgres(DbContextOptionsBuilder o, string connectionString) =>
        o.UseNpgsql(connectionString, s => s.MigrationsHistoryTable("__ef_migrations"));

    /// <summary>Resolves a relative SQLite file against the content root and makes sure its folder exists.</summary>
    public static string SqliteConnectionString(string? configured, string contentRoot)
    {
        var builder = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(configured) ? "Data Source=data/expertpool.db" : configured);
        if (!IsInMemory(builder) && !Path.IsPathRooted(builder.DataSource))
            builder.DataSource = Path.GetFullPath(Path.Combine(contentRoot, builder.DataSource));
        if (!IsInMemory(builder))
            Directory.CreateDirectory(Path.GetDirectoryName(builder.DataSource)!);
        builder.DefaultTimeout = 30;
        return builder.ToString();
    }

    private static bool IsInMemory(SqliteConnectionStringBuilder builder) => builder.DataSource == ":memory:" || builder.Mode == SqliteOpenMode.Memory;
}
