using ExpertPool.Domain.Jobs;
using ExpertPool.Domain.Persistence;

namespace ExpertPool.Api.Extensions;

public static class JobsExtensions
{
    /// <summary>
    /// The embedded default runs the same Quartz jobs as ExpertPool.Worker inside the Api (Jobs:RunInApi; unset means
    /// yes on SQLite, no on PostgreSQL). The hosted service starts after the Api has applied migrations.
    /// </summary>
    public static IServiceCollection AddInProcessJobs(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var jobs = configuration.GetSection(JobsOptions.Section).Get<JobsOptions>() ?? new JobsOptions();
        var database = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        if (jobs.RunsInApi(database.Provider))
            services.AddExpertPoolJobs(configuration, environment);
        return services;
    }
}
