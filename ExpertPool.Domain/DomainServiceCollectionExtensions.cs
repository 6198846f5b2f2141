using ExpertPool.Domain.Conflicts;
using ExpertPool.Domain.Draws;
using ExpertPool.Domain.Experts;
using ExpertPool.Domain.Notices;
using ExpertPool.Domain.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace ExpertPool.Domain;

public static class DomainServiceCollectionExtensions
{
    /// <summary>Everything both hosts share: the database, the clock and the domain services.</summary>
    public static IServiceCollection AddExpertPoolDomain(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddExpertPoolPersistence(configuration, environment);
        services.AddOptions<Seeding.SeedOptions>().BindConfiguration(Seeding.SeedOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<Seeding.DemoDataSeeder>();
        services.AddScoped<ExpertRegistry>();
        services.AddOptions<Experts.Applications.ApplicationOptions>().BindConfiguration(Experts.Applications.ApplicationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<Experts.Applications.ExpertApplicationService>();
        services.AddScoped<Experts.Csv.ExpertCsvImporter>();
        services.AddSingleton<Experts.Csv.ExpertCsvExporter>();
        services.AddScoped<PanelRequestService>();
        services.AddScoped<EligibilityService>();
        services.AddOptions<DrawOptions>().BindConfiguration(DrawOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<DrawExecutor>();
        services.AddExpertPoolNotices();
        services.AddOptions<Invitations.InvitationOptions>().BindConfiguration(Invitations.InvitationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => Invitations.InvitationOptions.CreateTokens(
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<Invitations.InvitationOptions>>(), environment,
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<Invitations.InvitationTokens>>()));
        services.AddScoped<Invitations.InvitationService>();
        services.AddSingleton<Jobs.NoticeKick>();
        services.AddSingleton<Jobs.ScheduledDrawRunner>();
        return services;
    }
}
