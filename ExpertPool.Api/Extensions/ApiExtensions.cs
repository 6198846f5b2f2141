using System.Text.Encodings.Web;
using System.Text.Unicode;
using ExpertPool.Domain.Persistence;

namespace ExpertPool.Api.Extensions;

public static class ApiExtensions
{
    public static IServiceCollection AddApiBasics(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(o =>
        {
            // Names only: a number would be stored as whatever value it is, defined or not; and one name, not a list
            // that reads as the bitwise OR of its names.
            o.SerializerOptions.Converters.Add(new StrictEnumConverter());
            // A field the request does not have is refused, not ignored: a misspelt "regionAvoidence" would otherwise
            // make a new rule-set version that changes nothing, and a misspelt "regionCode" an unbound quota.
            o.SerializerOptions.UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow;
            // A number is a JSON number ("1975" is refused, not read as 1975), and a field given twice is refused: which
            // of the two counts would otherwise depend on the parser.
            o.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
            o.SerializerOptions.AllowDuplicateProperties = false;
            // Chinese text stays readable in responses; HTML-sensitive characters are still escaped.
            o.SerializerOptions.Encoder = JavaScriptEncoder.Create(UnicodeRanges.All);
        });
        services.AddOpenApi();
        services.AddHealthChecks().AddDbContextCheck<ExpertPoolDbContext>("database");
        return services;
    }

    public static WebApplication UseApiDocs(this WebApplication app)
    {
        app.MapOpenApi();
        app.UseSwaggerUI(o =>
        {
            o.SwaggerEndpoint("/openapi/v1.json", "ExpertPool v1");
            o.RoutePrefix = "swagger";
            o.DocumentTitle = "ExpertPool API";
        });
        return app;
    }
}
