using System.Reflection;
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
        {
            c.ProblemDetails.Extensions.TryAdd("traceId", c.HttpContext.TraceIdentifier);
            // Status codes the framework answers by itself (no API key, wrong role, no route, wrong body type) get a
            // bilingual title and a reason instead of a bare English phrase.
            var status = c.ProblemDetails.Status ?? 0;
            if (c.Exception is null && c.ProblemDetails.Detail is null && StatusTexts.TryGetValue(status, out var text)
                && (c.ProblemDetails.Title is null || c.ProblemDetails.Title == Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status)))
            {
                c.ProblemDetails.Title = text.Title;
                c.ProblemDetails.Detail = text.Detail;
            }
        });
        services.AddExceptionHandler<DomainExceptionHandler>();
        // Malformed JSON and unbindable parameters reach the handler below instead of an empty 400.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return services;
    }

    internal static readonly Dictionary<int, (string Title, string Detail)> StatusTexts = new()
    {
        [StatusCodes.Status401Unauthorized] = ("未认证 / Unauthorized",
            "需要在 X-Api-Key 请求头中提供有效的 API 密钥 / This needs a valid API key in the X-Api-Key header"),
        [StatusCodes.Status403Forbidden] = ("无权访问 / Forbidden",
            "当前密钥的角色无权执行此操作（多数修改需要管理员） / The role of this API key may not do this (most changes need an administrator)"),
        [StatusCodes.Status404NotFound] = ("未找到 / Not found",
            "地址不存在，或其中的编号格式不正确 / No such address, or the id in it is not a valid id"),
        [StatusCodes.Status405MethodNotAllowed] = ("不支持该请求方法 / Method not allowed",
            "该地址不支持此 HTTP 方法 / This address does not take this HTTP method"),
        [StatusCodes.Status415UnsupportedMediaType] = ("不支持的内容类型 / Unsupported media type",
            "请求体请使用 application/json（CSV 导入使用 multipart/form-data） / Send the body as application/json (CSV imports as multipart/form-data)"),
    };

    /// <summary>
    /// PostgreSQL refused a snapshot transaction's write because another one changed the row first (SQLSTATE 40001,
    /// "could not serialize access"); the provider may wrap it in its execution strategy's exception. Found through
    /// <see cref="System.Data.Common.DbException.SqlState"/>, so this stays provider-neutral.
    /// </summary>
    public static bool IsSerializationFailure(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is System.Data.Common.DbException { SqlState: "40001" })
                return true;
        }
        return false;
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
                Title = "请求数据有误 / The request is not valid",
            },
            NotFoundException n => new ProblemDetails
            {
                Status = StatusCodes.Status404NotFound,
                Title = ErrorHandlingExtensions.StatusTexts[StatusCodes.Status404NotFound].Title,
                Detail = n.Message,
            },
            DomainConflictException c => Conflict(c),
            PreconditionFailedException p => new ProblemDetails
            {
                Status = StatusCodes.Status412PreconditionFailed,
                Title = "数据已变更 / Stale data",
                Detail = p.Message,
            },
            PreconditionRequiredException r => new ProblemDetails
            {
                Status = StatusCodes.Status428PreconditionRequired,
                // ASP.NET Core's defaults know no type for 428; its definition is RFC 6585 section 3.
                Type = "https://www.rfc-editor.org/rfc/rfc6585#section-3",
                Title = "需要 If-Match / If-Match required",
                Detail = r.Message,
            },
            BadHttpRequestException b => BadRequest(b),
            _ when ErrorHandlingExtensions.IsSerializationFailure(exception) => new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Title = "冲突 / Conflict",
                Detail = "数据已被他人同时修改，未保存，请刷新后重试 / The data was changed by someone else at the same time; nothing was saved. Read it again and retry.",
            },
            _ => null,
        };
        if (problem is null)
            return false;
        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    private static ProblemDetails Conflict(DomainConflictException c)
    {
        var p = new ProblemDetails { Status = StatusCodes.Status409Conflict, Title = "冲突 / Conflict", Detail = c.Message };
        foreach (var (k, v) in c.Details)
            p.Extensions[k] = v;
        return p;
    }

    private static ProblemDetails BadRequest(BadHttpRequestException b)
    {
        if (b.StatusCode == StatusCodes.Status415UnsupportedMediaType)
        {
            var (title, detail) = ErrorHandlingExtensions.StatusTexts[StatusCodes.Status415UnsupportedMediaType];
            return new ProblemDetails { Status = b.StatusCode, Title = title, Detail = detail };
        }
        // No body at all where one is expected ("… but no body was provided", "… was not provided from body").
        if (b.InnerException is null && (b.Message.Contains("no body was provided", StringComparison.Ordinal) || b.Message.Contains("not provided from body", StringComparison.Ordinal)))
        {
            return new HttpValidationProblemDetails(new Dictionary<string, string[]> { ["body"] = ["必须提供 JSON 请求体 / a JSON body is required"] })
            {
                Status = b.StatusCode,
                Title = "请求无法解析 / The request could not be read",
            };
        }
        // Name the field when the JSON reader says where it stopped.
        var field = b.InnerException is JsonException { Path: { Length: > 0 } path } ? path.TrimStart('$', '.') : "";
        if (string.IsNullOrEmpty(field))
        {
            // "Failed to bind parameter "Nullable<int> page" from "x"."
            var m = System.Text.RegularExpressions.Regex.Match(b.Message, "parameter \"(?:[^\"]* )?([A-Za-z0-9_]+)\"");
            field = m.Success ? m.Groups[1].Value : "body";
        }
        string reason;
        try
        {
            reason = b.InnerException is JsonException j ? JsonReason(j)
                : b.Message.Contains("was not provided", StringComparison.Ordinal) ? "必填 / is required"
                : ParameterReason(b.Message);
        }
        catch (Exception ex) when (ex is AmbiguousMatchException or ReflectionTypeLoadException or ArgumentException)
        {
            // Naming the expected type is a courtesy: the request still gets its 400.
            reason = "取值无效 / is not valid here";
        }
        return new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [reason] })
        {
            Status = b.StatusCode,
            Title = "请求无法解析 / The request could not be read",
        };
    }

    /// <summary>What was wrong with a JSON value, in the API's terms (never the server's type names).</summary>
    private static string JsonReason(JsonException j)
    {
        // "The JSON value could not be converted to {type}. Path: $.parties[0].role". For a record bound through its
        // constructor the type named is the record, so the field's own type is looked up from the path's last name.
        if (j.Message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
            return "不是该请求的字段（请检查拼写） / is not a field of this request (check the spelling)";
        if (j.Message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase))
            return "字段重复出现，只能给出一次 / is given twice; give it once";
        var m = System.Text.RegularExpressions.Regex.Match(j.Message, @"could not be converted to (?:System\.Nullable`1\[)?([A-Za-z0-9_.`+]+)");
        if (!m.Success)
            return "不是有效的 JSON / is not valid JSON here";
        var type = FindType(m.Groups[1].Value.TrimEnd('.'));
        var member = j.Path?.Split('.')[^1].Split('[')[0];
        if (type is not null && !string.IsNullOrEmpty(member) && type.GetProperty(member, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase) is { } property)
            type = property.PropertyType;
        return Expected(type) ?? "字段类型不正确 / has the wrong type for this field";
    }

    /// <summary>"Failed to bind parameter "Nullable&lt;int&gt; page" from "x"." in the API's terms.</summary>
    private static string ParameterReason(string message)
    {
        var m = System.Text.RegularExpressions.Regex.Match(message, "parameter \"(?:Nullable<)?([A-Za-z0-9_]+)>? [A-Za-z0-9_]+\"");
        var type = m.Success ? m.Groups[1].Value switch
        {
            "int" => typeof(int),
            "long" => typeof(long),
            "bool" => typeof(bool),
            "string" => typeof(string),
            var name => FindType(name),
        } : null;
        return Expected(type) ?? "取值无效 / is not a valid value";
    }

    /// <summary>A type of the API or the domain (or a system type) by full or short name.</summary>
    private static Type? FindType(string name) =>
        Type.GetType(name) ?? Type.GetType("System." + name) ?? (KnownTypes.Value.TryGetValue(name, out var t) ? t : null);

    /// <summary>The API's and the domain's public types by full and by short name (a short name two types share is left out).</summary>
    private static readonly Lazy<Dictionary<string, Type>> KnownTypes = new(() =>
    {
        var types = new[] { typeof(ErrorHandlingExtensions).Assembly, typeof(ExpertPool.Domain.Projects.PartyRole).Assembly }
            .SelectMany(a => a.GetExportedTypes()).ToList();
        var byName = types.GroupBy(t => t.Name).Where(g => g.Count() == 1).ToDictionary(g => g.Key, g => g.Single(), StringComparer.Ordinal);
        foreach (var t in types.Where(t => t.FullName is not null))
            byName[t.FullName!] = t;
        return byName;
    });

    private static string? Expected(Type? type)
    {
        type = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        if (type is null)
            return null;
        if (type.IsEnum)
            return $"须为以下取值之一：{string.Join("、", Enum.GetNames(type))} / must be one of {string.Join(", ", Enum.GetNames(type))}";
        if (type == typeof(DateTime) || type == typeof(DateTimeOffset))
            return "须为带时区偏移的时间，如 2026-12-04T09:00:00+08:00 / must be a time with its UTC offset, e.g. 2026-12-04T09:00:00+08:00";
        if (type == typeof(DateOnly))
            return "须为日期，如 2026-12-04 / must be a date, e.g. 2026-12-04";
        if (type == typeof(Guid))
            return "须为编号（GUID） / must be an id (GUID)";
        if (type == typeof(int) || type == typeof(long))
            return "须为整数 / must be a whole number";
        if (type == typeof(bool))
            return "须为 true 或 false / must be true or false";
        if (type == typeof(string))
            return "须为字符串 / must be a string";
        if (type.IsArray || (type.IsGenericType && typeof(System.Collections.IEnumerable).IsAssignableFrom(type)))
            return "须为数组 / must be a list";
        return "须为对象 / must be an object";
    }
}
