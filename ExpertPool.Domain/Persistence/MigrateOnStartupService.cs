using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ExpertPool.Domain.Persistence;

/// <summary>
/// Applies pending migrations when a host without its own start-up path (the Worker) starts, if
/// <c>Database:MigrateOnStartup</c> (default true). Register it before the Quartz hosted service: Quartz validates its
/// tables when it starts, and those tables come from our migrations. EF takes a migration lock, so an Api and a Worker
/// starting together do not both migrate.
/// </summary>
public sealed class MigrateOnStartupService(IServiceScopeFactory scopes, IOptions<DatabaseOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.MigrateOnStartup)
            return;
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
