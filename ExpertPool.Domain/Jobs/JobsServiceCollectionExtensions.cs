using ExpertPool.Domain.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Quartz;

namespace ExpertPool.Domain.Jobs;

public static class JobsServiceCollectionExtensions
{
    public const string SchedulerName = "ExpertPool";
    public const string TablePrefix = "qrtz_";

    /// <summary>
    /// The Quartz scheduler with every ExpertPool job, on a persistent store in the application database (tables created by
    /// our migrations, validated by Quartz at start): SQLite through Microsoft.Data.Sqlite, or PostgreSQL clustered so any
    /// number of workers share the schedule. The Worker and the Api's in-process default both call this, so they run the
    /// same jobs. Call <see cref="DomainServiceCollectionExtensions.AddExpertPoolDomain"/> first.
    /// </summary>
    public static IServiceCollection AddExpertPoolJobs(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        services.AddOptions<JobsOptions>().BindConfiguration(JobsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var jobs = configuration.GetSection(JobsOptions.Section).Get<JobsOptions>() ?? new JobsOptions();
        var database = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();

        services.AddQuartz(q =>
        {
            q.ConfigureScheduler(s => s.InstanceName = SchedulerName);
            // The schedule runs on real time; domain code gets the injected TimeProvider (a test clock in tests).
            q.UseTimeProvider(TimeProvider.System);
            q.UsePersistentStore(s =>
            {
                s.UseSystemTextJsonSerializer();
                s.ConfigureStore(o =>
                {
                    o.TablePrefix = TablePrefix;
                    o.SchemaProvisioning = SchemaProvisioning.Validate;
                });
                if (database.Provider == DatabaseProvider.Postgres)
                {
                    s.UsePostgres(database.ConnectionString ?? "");
                    s.UseClustering();
                }
                else
                {
                    s.UseSqlite(PersistenceServiceCollectionExtensions.SqliteConnectionString(database.ConnectionString, environment.ContentRootPath));
                }
            });

            q.AddJob<SendNoticesJob>(j => j.WithIdentity(SendNoticesJob.Key).StoreDurably());
            q.AddTrigger(t => t
                .ForJob(SendNoticesJob.Key)
                .WithIdentity("send-notices-every", "notices")
                .StartNow()
                .WithSimpleSchedule(x => x.WithInterval(jobs.SendNoticesInterval).RepeatForever().MeasureIntervalFromCompletion(true).WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)));
            Repeat<RunScheduledDrawsJob>(RunScheduledDrawsJob.Key, jobs.DrawsInterval);
            Repeat<ProcessInvitationsJob>(ProcessInvitationsJob.Key, jobs.InvitationsInterval);

            void Repeat<TJob>(JobKey key, TimeSpan interval)
                where TJob : IJob
            {
                q.AddJob<TJob>(j => j.WithIdentity(key).StoreDurably());
                q.AddTrigger(t => t
                    .ForJob(key)
                    .WithIdentity(key.Name + "-every", key.Group)
                    .StartNow()
                    .WithSimpleSchedule(x => x.WithInterval(interval).RepeatForever().MeasureIntervalFromCompletion(true).WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)));
            }
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return services;
    }
}
