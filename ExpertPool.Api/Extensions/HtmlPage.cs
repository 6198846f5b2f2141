using System.Net;
using System.Text;
using ExpertPool.Domain.Notices;

namespace ExpertPool.Api.Extensions;

/// <summary>The frame of the server-rendered pages (invitation replies, published draws): zh-CN first, one style sheet.</summary>
public static class HtmlPage
{
    public static IResult Render(string title, string body, int status = StatusCodes.Status200OK, bool indexable = false) => Results.Content($$"""
        <!DOCTYPE html>
        <html lang="zh-CN">
        <head>
          <meta charset="utf-8">
          <meta name="viewport" content="width=device-width, initial-scale=1">
          {{(indexable ? "" : "<meta name=\"robots\" content=\"noindex\">")}}
          <title>{{E(title)}} · 专家库 ExpertPool</title>
          <style>
            body { font-family: "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC", sans-serif; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; color: #1d2733; line-height: 1.6; }
            h1 { font-size: 1.4rem; border-bottom: 2px solid #b71c1c; padding-bottom: .4rem; }
            h2 { font-size: 1.1rem; margin-top: 1.6rem; }
            table { border-collapse: collapse; }
            th { text-align: left; padding-right: 1rem; vertical-align: top; white-space: nowrap; }
            table.list th, table.list td { border-bottom: 1px solid #d8dde3; padding: .25rem .6rem .25rem 0; }
            code { font-size: .78rem; word-break: break-all; }
            button { font-size: 1rem; padding: .5rem 1.2rem; background: #b71c1c; color: #fff; border: 0; border-radius: 4px; cursor: pointer; }
            input[type=text], input[type=email], input[type=tel], select { width: 100%; max-width: 28rem; font-size: 1rem; }
            .hint { color: #5b6570; font-size: .9rem; } .error { color: #b71c1c; font-weight: bold; } .state { font-weight: bold; }
          </style>
        </head>
        <body>
          <h1>{{E(title)}}</h1>
          {{body}}
          <footer class="hint">专家库 ExpertPool · 双随机、一公开 · <a href="/public/draws">抽取结果公示 / Published draws</a> · <a href="/apply">专家入库申请 / Apply to join</a></footer>
        </body>
        </html>
        """, "text/html; charset=utf-8", Encoding.UTF8, status);

    /// <summary>A UTC time as the mails write it, Beijing time in Chinese, a line break, then English (HTML-encoded).</summary>
    public static string Time(DateTime utc)
    {
        var t = new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc));
        return $"{E(NoticeTemplates.Time(t, false))}<br>{E(NoticeTemplates.Time(t, true))}";
    }

    /// <summary>The posted form, or null when the body is not a readable form (wrong content type, broken multipart).</summary>
    public static async Task<IFormCollection?> ReadFormAsync(HttpRequest request, CancellationToken ct) =>
        (await ReadFormOrProblemAsync(request, ct)).Form;

    /// <summary>
    /// The posted form, or why it could not be read: ASP.NET Core refuses a whole form whose values hold a NUL or another
    /// character it does not accept ("The form value contains invalid characters"), before any field can be named.
    /// </summary>
    public static async Task<(IFormCollection? Form, bool InvalidCharacters)> ReadFormOrProblemAsync(HttpRequest request, CancellationToken ct)
    {
        if (!request.HasFormContentType)
            return (null, false);
        try
        {
            return (await request.ReadFormAsync(ct), false);
        }
        catch (InvalidDataException ex) when (ex.Message.Contains("invalid characters", StringComparison.OrdinalIgnoreCase))
        {
            return (null, true);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or BadHttpRequestException)
        {
            return (null, false);
        }
    }

    /// <summary>Pages that show or take personal data: <c>no-store</c>, no Referer to other sites, no content sniffing.</summary>
    public static RouteGroupBuilder WithPrivatePageHeaders(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter(async (context, next) =>
        {
            var headers = context.HttpContext.Response.Headers;
            headers.CacheControl = "no-store";
            headers["Referrer-Policy"] = "no-referrer";
            headers["X-Content-Type-Options"] = "nosniff";
            return await next(context);
        });
        return group;
    }

    /// <summary>HTML-encodes text for an element or a quoted attribute.</summary>
    public static string E(string s) => WebUtility.HtmlEncode(s);
}
