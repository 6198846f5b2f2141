using System.Globalization;
using System.Text;
using System.Threading.RateLimiting;
using ExpertPool.Api.Extensions;
using ExpertPool.Domain.Common;
using ExpertPool.Domain.Experts;
using ExpertPool.Domain.Experts.Applications;
using ExpertPool.Domain.Jobs;
using ExpertPool.Domain.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ExpertPool.Api.Experts;

/// <summary>
/// The public application form (公开征集, decision 030): anyone may apply to join the pool; the applicant is registered
/// as <see cref="ExpertStatus.Applied"/> and an administrator admits or rejects them with a status change. A refused
/// form is shown again with every reason next to its field, and nothing is stored. Chinese first, English second.
/// </summary>
public static class ApplicationPages
{
    public const string RateLimitPolicy = "applications";

    private static readonly string[] Fields =
        ["name", "idNumber", "employerName", "employerCreditCode", "title", "titleGrade", "yearsOfExperience", "specialtyCodes",
         "regionCode", "email", "phone", "preferredLanguage", "joinChannel", "recommender", "statement", "consent"];

    public static IServiceCollection AddApplicationPages(this IServiceCollection services)
    {
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(RateLimitPolicy, context =>
            {
                var options = context.RequestServices.GetRequiredService<IOptions<ApplicationOptions>>().Value;
                // Behind a reverse proxy every client shares the proxy's address unless forwarded headers are configured.
                var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                return RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = options.PermitsPerHour,
                    Window = TimeSpan.FromHours(1),
                    QueueLimit = 0,
                });
            });
            o.OnRejected = async (context, ct) =>
            {
                var page = Page("提交过于频繁 Too many applications",
                    "<p>此地址在一小时内提交的申请过多，请稍后再试。</p><p>Too many applications were sent from this address within an hour. Please try again later.</p>",
                    StatusCodes.Status429TooManyRequests);
                await page.ExecuteAsync(context.HttpContext);
            };
        });
        return services;
    }

    public static IEndpointRouteBuilder MapApplicationPages(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/apply").WithTags("Application pages").ExcludeFromDescription().AllowAnonymous().DisableAntiforgery();
        // Personal data is typed into it: never cached, never leaked through the Referer header.
        group.WithPrivatePageHeaders();
        group.MapGet("/", ShowForm);
        group.MapPost("/", Submit).RequireRateLimiting(RateLimitPolicy);
        return app;
    }

    public static async Task<IResult> ShowForm(ExpertPoolDbContext db, IOptions<ApplicationOptions> options, CancellationToken ct)
    {
        if (!options.Value.Enabled)
            return Closed(StatusCodes.Status200OK);
        return Page(Title, await FormAsync(db, options.Value, new ApplicationInput(), null, ct));
    }

    public static async Task<IResult> Submit(HttpRequest request, ExpertApplicationService applications, ExpertPoolDbContext db, IOptions<ApplicationOptions> options, NoticeKick kick, CancellationToken ct)
    {
        if (!options.Value.Enabled)
            return Closed(StatusCodes.Status403Forbidden);
        var (form, invalidCharacters) = await HtmlPage.ReadFormOrProblemAsync(request, ct);
        if (invalidCharacters)
        {
            return Page("申请未提交 Not submitted",
                "<p class=\"error\" id=\"invalid-characters\">表单中有内容包含不允许的控制字符（如 NUL，常见于从其他软件复制的文字），申请未提交。请删除或重新输入后再提交。</p>"
                + "<p lang=\"en\">A field holds a control character that is not accepted (such as NUL, often pasted from other software); nothing was submitted. Remove it or type the text again, then submit.</p>"
                + "<p><a href=\"/apply\">返回申请表 / Back to the form</a></p>",
                StatusCodes.Status400BadRequest);
        }
        if (form is null)
        {
            return Page("请求无效 Invalid request",
                "<p>请通过申请页面上的表单提交。</p><p>Please submit the form on the application page.</p><p><a href=\"/apply\">入库申请 / Apply</a></p>",
                StatusCodes.Status400BadRequest);
        }
        var input = new ApplicationInput
        {
            Name = form["name"].ToString(),
            IdNumber = form["idNumber"].ToString(),
            EmployerName = form["employerName"].ToString(),
            EmployerCreditCode = form["employerCreditCode"].ToString(),
            Title = form["title"].ToString(),
            TitleGrade = form["titleGrade"].ToString(),
            YearsOfExperience = form["yearsOfExperience"].ToString(),
            SpecialtyCodes = form["specialtyCodes"].Select(v => v ?? "").ToList(),
            RegionCode = form["regionCode"].ToString(),
            Email = form["email"].ToString(),
            Phone = form["phone"].ToString(),
            PreferredLanguage = form["preferredLanguage"].ToString(),
            JoinChannel = form["joinChannel"].ToString(),
            Recommender = form["recommender"].ToString(),
            Statement = form["statement"].ToString(),
            Consent = form["consent"].ToString() == "yes",
        };
        // Every field but the specialties takes one value: a repeated one would otherwise be joined ("张三,李四").
        var repeated = form.Where(f => f.Value.Count > 1 && f.Key != "specialtyCodes").Select(f => f.Key).Order(StringComparer.Ordinal).ToList();
        if (repeated.Count > 0)
        {
            var errors = repeated.ToDictionary(f => f, _ => SentTwice);
            return Page(Title, await FormAsync(db, options.Value, input, errors, ct), StatusCodes.Status400BadRequest);
        }
        try
        {
            var (expert, application) = await applications.SubmitAsync(input, ct);
            await kick.KickAsync(ct);
            return Page("申请已提交 Application received", $"""
                <p id="received">{E(expert.Name)}，您的入库申请已提交，回执已发送至您的邮箱。管理部门审核入库条件后，您将被纳入专家库。</p>
                <p>{E(expert.Name)}, your application has been received and a receipt was sent to your mailbox. Once the administration has checked the entry requirements, you will be admitted to the pool.</p>
                <table>
                  <tr><th>申请编号 Reference</th><td id="reference">{E(ExpertApplicationService.Reference(application.Id))}</td></tr>
                  <tr><th>身份证号 ID number</th><td>{E(ChineseIdNumber.Mask(expert.IdNumber))}</td></tr>
                  <tr><th>邮箱 Email</th><td>{E(PersonalData.MaskEmail(expert.Email))}</td></tr>
                  <tr><th>提交时间 Submitted</th><td>{HtmlPage.Time(application.SubmittedAt)}</td></tr>
                </table>
                <p class="hint">如需更正或撤回申请，请联系专家库管理部门并注明申请编号。<br>To correct or withdraw the application, contact the expert-pool administration quoting the reference.</p>
                """);
        }
        catch (DomainValidationException ex)
        {
            return Page(Title, await FormAsync(db, options.Value, input, ex.Errors, ct), StatusCodes.Status400BadRequest);
        }
        catch (DomainConflictException)
        {
            // The registry's message names the expert who holds the ID number or email: not for the public.
            var errors = new Dictionary<string, string[]>
            {
                [""] = ["该身份证号或邮箱已在专家库登记（含申请中的），请勿重复申请；如需更新信息，请联系专家库管理部门。 / This ID number or email is already registered in the pool (applications included). Please do not apply again; to update your details, contact the expert-pool administration."],
            };
            return Page(Title, await FormAsync(db, options.Value, input, errors, ct), StatusCodes.Status409Conflict);
        }
    }

    private const string Title = "专家入库申请 Apply to join the expert pool";

    private static readonly string[] SentTwice = ["只能填写一次 / was sent more than once"];

    private static IResult Closed(int status) => Page("暂停受理 Applications closed",
        "<p id=\"closed\">专家库目前不受理入库申请。</p><p>The expert pool is not taking applications at present.</p>", status);

    private static async Task<string> FormAsync(ExpertPoolDbContext db, ApplicationOptions options, ApplicationInput input, IReadOnlyDictionary<string, string[]>? errors, CancellationToken ct)
    {
        var specialties = await db.Specialties.AsNoTracking().OrderBy(s => s.Path).Select(s => new { s.Id, s.Code, s.NameZh, s.NameEn, s.ParentId }).ToListAsync(ct);
        var regions = await db.Regions.AsNoTracking().OrderBy(r => r.Code).Select(r => new { r.Code, r.NameZh, r.NameEn, r.ParentCode }).ToListAsync(ct);
        var chosen = new HashSet<string>(input.SpecialtyCodes ?? [], StringComparer.OrdinalIgnoreCase);
        string Error(string field) => errors is not null && errors.TryGetValue(field, out var reasons)
            ? string.Concat(reasons.Select(r => $"<span class=\"error\" data-field=\"{E(field)}\">{E(r)}</span><br>"))
            : "";
        string Text(string field, string label, string? value, string type = "text", string extra = "") => $"""
            <p><label>{label}<br><input type="{type}" name="{field}" id="{field}" value="{E(value ?? "")}" {extra}></label><br>{Error(field)}</p>
            """;
        string Option(string value, string label, string? current) =>
            $"<option value=\"{E(value)}\"{(string.Equals(value, current?.Trim(), StringComparison.OrdinalIgnoreCase) ? " selected" : "")}>{E(label)}</option>";

        var b = new StringBuilder();
        if (errors is { Count: > 0 })
        {
            b.Append("<div role=\"alert\" id=\"errors\"><p class=\"error\">申请未提交，请修改以下内容 / The application was not sent; please correct the following:</p><ul>");
            foreach (var (field, reasons) in errors.OrderBy(e => Array.IndexOf(Fields, e.Key) is var i && i < 0 ? int.MaxValue : i))
                foreach (var reason in reasons)
                    b.Append(CultureInfo.InvariantCulture, $"<li>{(field.Length > 0 ? E(Label(field)) + "：" : "")}{E(reason)}</li>");
            b.Append("</ul></div>");
        }
        b.Append(CultureInfo.InvariantCulture, $"""
            <p>专家库面向社会公开征集专家。入库条件：具有副高级及以上职称，或中级职称且从事本专业工作满 {options.MinYearsWithIntermediateTitle} 年；年龄不超过 {options.MaxAge} 周岁；无不良信用记录。提交后由管理部门审核，审核通过方可入库并参加随机抽取。</p>
            <p class="hint">The pool invites experts to apply. Requirements: an associate-senior or senior title, or an intermediate title with at least {options.MinYearsWithIntermediateTitle} years of experience; at most {options.MaxAge} years old; no bad credit record. The administration reviews each application; only admitted experts are drawn.</p>
            <form method="post" action="/apply">
            <h2>个人信息 / Personal details</h2>
            {Text("name", "姓名 / Name", input.Name, extra: $"maxlength=\"{ExpertDraft.NameMax}\" required")}
            {Text("idNumber", "居民身份证号 / Resident ID number", input.IdNumber, extra: "maxlength=\"18\" autocomplete=\"off\" required")}
            {Text("email", "电子邮箱（接收通知） / Email (for notices)", input.Email, "email", $"maxlength=\"{ExpertDraft.EmailMax}\" required")}
            {Text("phone", "手机号码 / Mobile phone", input.Phone, "tel", "maxlength=\"20\" required")}
            <p><label>通知语言 / Language of notices<br><select name="preferredLanguage" id="preferredLanguage">{Option("zh-CN", "中文", input.PreferredLanguage)}{Option("en", "English", input.PreferredLanguage)}</select></label><br>{Error("preferredLanguage")}</p>
            <h2>工作单位与职称 / Employer and title</h2>
            {Text("employerName", "工作单位名称 / Employer", input.EmployerName, extra: "maxlength=\"200\"")}
            {Text("employerCreditCode", "单位统一社会信用代码 / Employer's unified social credit code", input.EmployerCreditCode, extra: "maxlength=\"18\" required")}
            {Text("title", "职称 / Professional title", input.Title, extra: $"maxlength=\"{ExpertDraft.TitleMax}\" required")}
            <p><label>职称级别 / Title grade<br><select name="titleGrade" id="titleGrade"><option value="">—</option>{Option("FullSenior", "正高级 / Senior", input.TitleGrade)}{Option("AssociateSenior", "副高级 / Associate senior", input.TitleGrade)}{Option("Intermediate", "中级 / Intermediate", input.TitleGrade)}{Option("Junior", "初级 / Junior", input.TitleGrade)}</select></label><br>{Error("titleGrade")}</p>
            {Text("yearsOfExperience", "从事本专业工作年限 / Years of professional experience", input.YearsOfExperience, "number", $"min=\"0\" max=\"{ExpertApplication.MaxYearsOfExperience}\" required")}
            <h2>专业与地区 / Specialties and region</h2>
            <fieldset id="specialties"><legend>申报专业（可多选，最多 10 项） / Specialties (up to 10)</legend>
            """);
        foreach (var top in specialties.Where(s => s.ParentId is null))
        {
            var children = specialties.Where(s => s.ParentId == top.Id).ToList();
            b.Append(CultureInfo.InvariantCulture, $"<p><strong>{E(top.NameZh)} / {E(top.NameEn)}</strong><br>");
            foreach (var s in children.Count > 0 ? children : [top])
                b.Append(CultureInfo.InvariantCulture, $"<label><input type=\"checkbox\" name=\"specialtyCodes\" value=\"{E(s.Code)}\"{(chosen.Contains(s.Code) ? " checked" : "")}> {E(s.NameZh)} / {E(s.NameEn)}</label><br>");
            b.Append("</p>");
        }
        b.Append(CultureInfo.InvariantCulture, $"</fieldset>{Error("specialtyCodes")}");
        b.Append("<p><label>所在地区 / Region<br><select name=\"regionCode\" id=\"regionCode\"><option value=\"\">—</option>");
        foreach (var province in regions.Where(r => r.ParentCode is null))
        {
            b.Append(CultureInfo.InvariantCulture, $"<optgroup label=\"{E(province.NameZh)} / {E(province.NameEn)}\">");
            b.Append(Option(province.Code, $"{province.NameZh}（省级） / {province.NameEn} (province)", input.RegionCode));
            foreach (var city in regions.Where(r => r.ParentCode == province.Code))
                b.Append(Option(city.Code, $"{city.NameZh} / {city.NameEn}", input.RegionCode));
            b.Append("</optgroup>");
        }
        var recommendation = string.Equals(input.JoinChannel, nameof(JoinChannel.EmployerRecommendation), StringComparison.OrdinalIgnoreCase);
        b.Append(CultureInfo.InvariantCulture, $"""
            </select></label><br>{Error("regionCode")}</p>
            <h2>申请方式与经历 / How you apply, and your experience</h2>
            <fieldset><legend>入库方式 / Channel</legend>
            <label><input type="radio" name="joinChannel" value="SelfApplication"{(recommendation ? "" : " checked")}> 个人申请 / Self-application</label><br>
            <label><input type="radio" name="joinChannel" value="EmployerRecommendation"{(recommendation ? " checked" : "")}> 单位推荐（经本人同意） / Recommended by my employer, with my consent</label>
            </fieldset>{Error("joinChannel")}
            {Text("recommender", "推荐单位联系人或部门（单位推荐时必填） / Recommending person or office (for a recommendation)", input.Recommender, extra: $"maxlength=\"{ExpertApplication.RecommenderMax}\"")}
            <p><label>专业工作经历及主要业绩 / Professional experience and main achievements<br><textarea name="statement" id="statement" rows="6" cols="60" maxlength="{ExpertApplication.StatementMax}" required>{E(input.Statement ?? "")}</textarea></label><br>{Error("statement")}</p>
            <p><label><input type="checkbox" name="consent" id="consent" value="yes"{(input.Consent ? " checked" : "")}> {E(ExpertApplicationService.ConsentText)}</label><br>{Error("consent")}</p>
            <button type="submit" id="submit">提交申请 / Submit application</button>
            </form>
            <p class="hint">个人信息仅用于入库审核、抽取和通知；身份证号和手机号对管理员以外的人员均作遮盖处理。<br>Your personal data is used only to review the application, draw panels and send notices; the ID number and phone are masked for everyone but the administrators.</p>
            """);
        return b.ToString();
    }

    private static string Label(string field) => field switch
    {
        "name" => "姓名 / Name",
        "idNumber" => "身份证号 / ID number",
        "email" => "邮箱 / Email",
        "phone" => "手机号码 / Phone",
        "preferredLanguage" => "通知语言 / Language",
        "employerName" => "工作单位 / Employer",
        "employerCreditCode" => "统一社会信用代码 / Credit code",
        "title" => "职称 / Title",
        "titleGrade" => "职称级别 / Title grade",
        "yearsOfExperience" => "工作年限 / Years of experience",
        "specialtyCodes" => "申报专业 / Specialties",
        "regionCode" => "所在地区 / Region",
        "joinChannel" => "入库方式 / Channel",
        "recommender" => "推荐联系人 / Recommender",
        "statement" => "工作经历 / Experience",
        "consent" => "承诺 / Declaration",
        _ => field,
    };

    private static IResult Page(string title, string body, int status = StatusCodes.Status200OK) => HtmlPage.Render(title, body, status);

    private static string E(string s) => HtmlPage.E(s);
}
