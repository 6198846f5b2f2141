using System.Text.Json;
using ExpertPool.Domain.Common;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace ExpertPool.Api.Extensions;

public static class ErrorHandlingExtensions
{
    public static IServiceCollection AddErrorHandling(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
            c.ProblemDetails.Extensions.TryAdd("traceId", c.HttpContext.TraceIdentifier));
        services.AddExceptionHandler<DomainExceptionHandler>();
        // Malformed JSON and unbindable parameters reach the handler below instead of an empty 400.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return services;
    }
}

/// <summary>Maps domain and request exceptions to RFC 9457 problem details. Anything else stays a 500 and is logged.</summary>
internal sealed class DomainExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails? problem = exception switch
        {
            DomainValidationException v => new HttpValidationProblemDetails(v.Errors.ToDictionary(e => e.Key, e => e.Value))
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The request is not valid / 请求数据有误",
            },
            NotFoundException n => new ProblemDetails
            {
                Status = StatusCodes.Status404NotFound,
                Title = "Not found / 未找到",
                Detail = n.Message,
            },
            DomainConflictException c => Conflict(c),
            PreconditionFailedException p => new ProblemDetails
            {
                Status = StatusCodes.Status412PreconditionFailed,
                Title = "Stale data / 数据已变更",
                Detail = p.Message,
            },
            Experts.PreconditionRequiredException r => new ProblemDetails
            {
                Status = StatusCodes.Status428PreconditionRequired,
                Title = "If-Match required / 需要 If-Match",
                Detail = r.Message,
            },
            BadHttpRequestException b => BadRequest(b),
            _ => null,
        };
        if (problem is null)
            return false;
        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    private static ProblemDetails Conflict(DomainConflictException c)
    {
        var p = new ProblemDetails { Status = StatusCodes.Status409Conflict, Title = "Conflict / 冲突", Detail = c.Message };
        foreach (var (k, v) in c.Details)
            p.Extensions[k] = v;
        return p;
    }

    private static HttpValidationProblemDetails BadRequest(BadHttpRequestException b)
    {
        // Name the field when the JSON reader says where it stopped.
        var field = b.InnerException is JsonException { Path: { Length: > 0 } path } ? path.TrimStart('$', '.') : "";
        if (string.IsNullOrEmpty(field))
        {
            // "Failed to bind parameter "Nullable<int> page" from "x"."
            var m = System.Text.RegularExpressions.Regex.Match(b.Message, "parameter \"(?:[^\"]* )?([A-Za-z0-9_]+)\"");
            field = m.Success ? m.Groups[1].Value : "body";
        }
        var reason = b.InnerException is JsonException j ? $"could not be read: {j.Message}" : b.Message;
        return new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [reason] })
        {
            Status = b.StatusCode,
            Title = "The request could not be read / 请求无法解析",
        };
    }
}
