using Microsoft.Extensions.DependencyInjection;

namespace ExpertPool.Domain.Notices;

public static class NoticesServiceCollectionExtensions
{
    /// <summary>Mail options (validated at start), the outbox writer, the sender and the configured transport.</summary>
    public static IServiceCollection AddExpertPoolNotices(this IServiceCollection services)
    {
        services.AddOptions<MailOptions>()
            .BindConfiguration(MailOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<NoticeOutbox>();
        services.AddScoped<OutboxSender>();
        services.AddSingleton<SmtpMailTransport>();
        services.AddSingleton<PickupDirectoryMailTransport>();
        services.AddSingleton<IMailTransport>(sp =>
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<MailOptions>>().Value.Transport == MailTransportKind.Smtp
                ? sp.GetRequiredService<SmtpMailTransport>()
                : sp.GetRequiredService<PickupDirectoryMailTransport>());
        return services;
    }
}
