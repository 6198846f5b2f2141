using ExpertPool.Domain.Persistence;
using Microsoft.Extensions.Options;

namespace ExpertPool.Api.Extensions;

public static class StartupTasks
{
    /// <summary>Creates or loads the API keys now, so a newcomer finds the key file before the first request.</summary>
    public static void PrepareApiKeys(this WebApplication app) => app.Services.GetRequiredService<Security.ApiKeyStore>();

    /// <summary>Applies pending migrations before the first request, when configured to (the default).</summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        if (!options.MigrateOnStartup)
            return;
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(app.Lifetime.ApplicationStopping);
    }
}
