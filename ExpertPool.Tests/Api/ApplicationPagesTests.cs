using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ExpertPool.Domain.Experts;
using ExpertPool.Domain.Notices;
using ExpertPool.Domain.Persistence;
using ExpertPool.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace ExpertPool.Tests.Api;

/// <summary>The public application form (公开征集, decision 030): anyone applies, an administrator admits.</summary>
public abstract class ApplicationPagesTests<TFactory>(TFactory factory, ITestOutputHelper output) : ApiTestBase<TFactory>(factory, output)
    where TFactory : ExpertPoolApiFactory
{
    private static Dictionary<string, string> Form(Reference r, string idNumber, string email, string creditCode, string titleGrade = "AssociateSenior", string years = "12")
    {
        return new Dictionary<string, string>
        {
            ["name"] = "欧阳晓明",
            ["idNumber"] = idNumber,
            ["email"] = email,
            ["phone"] = "13912345678",
            ["preferredLanguage"] = "zh-CN",
            ["employerName"] = "杭州市特种设备检测研究院 " + TestData.Suffix(),
            ["employerCreditCode"] = creditCode,
            ["title"] = "高级工程师",
            ["titleGrade"] = titleGrade,
            ["yearsOfExperience"] = years,
            ["regionCode"] = r.City1,
            ["joinChannel"] = "SelfApplication",
            ["statement"] = "从事压力容器检验 12 年，主持省级科研项目 3 项 🙂",
            ["consent"] = "yes",
        };
    }

    private static FormUrlEncodedContent Content(Dictionary<string, string> form, params string[] specialties) =>
        new(form.Select(kv => KeyValuePair.Create(kv.Key, kv.Value)).Concat(specialties.Select(s => KeyValuePair.Create("specialtyCodes", s))));

    private async Task<int> ExpertsWithAsync(string idNumber, string email)
    {
        using var scope = Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ExpertPoolDbContext>();
        return await db.Experts.CountAsync(e => e.IdNumber == idNumber || e.Email == email);
    }

    [Fact]
    public async Task Apply_WithAValidForm_RegistersAnAppliedExpertKeepsTheApplicationAndSendsAReceipt()
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        using var anonymous = Factory.CreateClient();
        var idNumber = TestData.IdNumber(birthYear: 1970);
        var email = TestData.Email("applicant");

        var page = await anonymous.GetStringAsync("/apply");
        page.Should().Contain("专家入库申请").And.Contain($"value=\"{r.Leaf1}\"").And.Contain($"value=\"{r.City1}\"");

        var response = await anonymous.PostAsync("/apply", Content(Form(r, idNumber, email, TestData.CreditCode()), r.Leaf1, r.Leaf2));
        var html = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, html);
        html.Should().Contain("申请已提交").And.Contain(ChineseIdNumberMasked(idNumber)).And.NotContain(idNumber);
        response.Headers.CacheControl!.NoStore.Should().BeTrue();

        using var scope = Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ExpertPoolDbContext>();
        var expert = await db.Experts.AsNoTracking().SingleAsync(e => e.IdNumber == idNumber);
        expert.Status.Should().Be(ExpertStatus.Applied, "an applicant is never drawn before an administrator admits them");
        expert.JoinChannel.Should().Be(JoinChannel.SelfApplication);
        (await db.ExpertStatusChanges.AsNoTracking().SingleAsync(c => c.ExpertId == expert.Id)).Actor.Should().Be("公开征集申请 / public application");
        var receipt = await db.Set<OutboxMessage>().AsNoTracking().SingleAsync(m => m.RecipientEmail == email);
        receipt.Kind.Should().Be(NoticeKind.ApplicationReceipt);
        receipt.TextBody.Should().Contain("我们已收到您加入专家库的申请").And.Contain("We have received your application")
            .And.Contain(r.Leaf1 + " 卓越绩效").And.NotContain(idNumber);
        receipt.TextBody.IndexOf("我们已收到", StringComparison.Ordinal).Should().BeLessThan(receipt.TextBody.IndexOf("We have received", StringComparison.Ordinal), "Chinese first");

        // The administrator reads the application as sent, and admits the applicant with a status change.
        var application = (await Admin.GetFromJsonAsync<JsonObject>($"/api/experts/{expert.Id}/application"))!;
        application["yearsOfExperience"]!.GetValue<int>().Should().Be(12);
        application["statement"]!.GetValue<string>().Should().Be("从事压力容器检验 12 年，主持省级科研项目 3 项 🙂");
        application["channel"]!.GetValue<string>().Should().Be("SelfApplication");
        html.Should().Contain(application["reference"]!.GetValue<string>());
        receipt.TextBody.Should().Contain(application["reference"]!.GetValue<string>());
        application["consentText"]!.GetValue<string>().Should().StartWith("本人承诺");
        await Ok(Admin.PostAsJsonAsync($"/api/experts/{expert.Id}/status", new { status = "Active", reason = "审核通过 / admitted" }));
        var decision = await db.Set<OutboxMessage>().AsNoTracking().SingleAsync(m => m.RecipientEmail == email && m.Kind == NoticeKind.ApplicationDecision);
        decision.Subject.Should().StartWith("【专家库】入库申请已通过");
        decision.TextBody.Should().Contain("您的入库申请已通过审核").And.Contain(application["reference"]!.GetValue<string>()).And.NotContain("审核通过 / admitted", "the administrator's reason is internal");
        var listed = (await Admin.GetFromJsonAsync<JsonObject>($"/api/experts?specialty={r.Root}&status=Active"))!["items"]!.AsArray();
        listed.Select(e => e!["id"]!.GetValue<string>()).Should().Contain(expert.Id.ToString());

        // An expert registered by an administrator has no application.
        var other = await ActiveExpertAsync(r, "张三");
        (await Admin.GetAsync($"/api/experts/{other}/application")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_application_that_names_people_with_their_numbers_is_shown_masked_to_auditors()
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        using var anonymous = Factory.CreateClient();
        var idNumber = TestData.IdNumber(birthYear: 1972);
        var email = TestData.Email("recommended");
        var form = Form(r, idNumber, email, TestData.CreditCode());
        form["joinChannel"] = "EmployerRecommendation";
        form["recommender"] = "人事处李主任 13812345678 li.zhuren@example.cn";
        form["statement"] = "从事电梯检验 15 年；证明人王工，电话 +86 139-1234-5678，身份证 330102197001011234";
        (await anonymous.PostAsync("/apply", Content(form, r.Leaf1))).StatusCode.Should().Be(HttpStatusCode.OK);
        Guid expertId;
        using (var scope = Factory.Services.CreateScope())
            expertId = (await scope.ServiceProvider.GetRequiredService<ExpertPoolDbContext>().Experts.AsNoTracking().SingleAsync(e => e.IdNumber == idNumber)).Id;

        var full = (await Admin.GetFromJsonAsync<JsonObject>($"/api/experts/{expertId}/application"))!;
        full["recommender"]!.GetValue<string>().Should().Be(form["recommender"]);
        full["statement"]!.GetValue<string>().Should().Be(form["statement"]);

        var masked = (await Auditor.GetFromJsonAsync<JsonObject>($"/api/experts/{expertId}/application"))!;
        masked["recommender"]!.GetValue<string>().Should().Be("人事处李主任 138****5678 l***@example.cn");
        masked["statement"]!.GetValue<string>().Should().Be("从事电梯检验 15 年；证明人王工，电话 +86**********5678，身份证 330102***********4");
    }

    private static string ChineseIdNumberMasked(string idNumber) => ExpertPool.Domain.Common.ChineseIdNumber.Mask(idNumber);

    [Fact]
    public async Task Apply_WithBadFields_ShowsEveryReasonKeepsTheInputAndStoresNothing()
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        using var anonymous = Factory.CreateClient();
        var email = TestData.Email("bad");
        var form = Form(r, "33010219700101123", email, "not-a-code", years: "twelve");
        form["consent"] = "";
        form["statement"] = "";

        var response = await anonymous.PostAsync("/apply", Content(form));
        var html = await response.Content.ReadAsStringAsync();

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, html);
        foreach (var field in new[] { "idNumber", "employerCreditCode", "yearsOfExperience", "specialtyCodes", "statement", "consent" })
            html.Should().Contain($"data-field=\"{field}\"", $"the reason for {field} is shown next to it");
        html.Should().Contain("申请未提交").And.Contain($"value=\"{email}\"", "what the applicant typed is kept");
        (await ExpertsWithAsync("33010219700101123", email)).Should().Be(0);
    }

    [Fact]
    public async Task Apply_WithANulInAField_SaysSoAndStoresNothing()
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        using var anonymous = Factory.CreateClient();
        var email = TestData.Email("nul");
        var form = Form(r, "33010219700101123X", email, TestData.CreditCode());
        form["name"] = "张\0三";

        var response = await anonymous.PostAsync("/apply", Content(form, r.Leaf1));
        var html = await response.Content.ReadAsStringAsync();

        // ASP.NET Core refuses the whole form before any field can be named; the page says what is wrong.
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, html);
        html.Should().Contain("申请未提交").And.Contain("不允许的控制字符").And.Contain("control character that is not accepted");
        (await ExpertsWithAsync("33010219700101123X", email)).Should().Be(0);
    }

    [Fact]
    public async Task Apply_WithAFieldSentTwiceOrANameOnTwoLines_RefusesAndStoresNothing()
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        using var anonymous = Factory.CreateClient();
        var idNumber = TestData.IdNumber(birthYear: 1975);
        var email = TestData.Email("twice");
        var fields = Form(r, idNumber, email, TestData.CreditCode()).Select(kv => KeyValuePair.Create(kv.Key, kv.Value))
            .Append(KeyValuePair.Create("name", "李四")).Append(KeyValuePair.Create("specialtyCodes", r.Leaf1));

        var twice = await anonymous.PostAsync("/apply", new FormUrlEncodedContent(fields));
        var html = await twice.Content.ReadAsStringAsync();
        twice.StatusCode.Should().Be(HttpStatusCode.BadRequest, html);
        html.Should().Contain("data-field=\"name\"").And.Contain("was sent more than once");

        var form = Form(r, idNumber, email, TestData.CreditCode());
        form["name"] = "王五\r\nBcc: evil@example.org";
        var lines = await anonymous.PostAsync("/apply", Content(form, r.Leaf1));
        (await lines.Content.ReadAsStringAsync()).Should().Contain("data-field=\"name\"").And.Contain("must be one line");
        lines.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await ExpertsWithAsync(idNumber, email)).Should().Be(0);
    }

    [Theory]
    [InlineData("Junior", "20", 1970, "titleGrade")]
    [InlineData("Intermediate", "5", 1970, "yearsOfExperience")]
    [InlineData("FullSenior", "30", 1955, "idNumber")]
    public async Task Apply_WhenAnEntryRequirementIsNotMet_RefusesWithTheRequirement(string grade, string years, int birthYear, string field)
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        using var anonymous = Factory.CreateClient();
        var idNumber = TestData.IdNumber(birthYear: birthYear);
        var email = TestData.Email("requirement");

        var response = await anonymous.PostAsync("/apply", Content(Form(r, idNumber, email, TestData.CreditCode(), grade, years), r.Leaf1));
        var html = await response.Content.ReadAsStringAsync();

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, html);
        html.Should().Contain($"data-field=\"{field}\"");
        (await ExpertsWithAsync(idNumber, email)).Should().Be(0);
    }

    [Fact]
    public async Task Apply_WithAnIntermediateTitleAndEnoughYears_IsAccepted()
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        using var anonymous = Factory.CreateClient();
        var idNumber = TestData.IdNumber(birthYear: 1985);
        var form = Form(r, idNumber, TestData.Email("mid"), TestData.CreditCode(), "Intermediate", "8");
        form["joinChannel"] = "EmployerRecommendation";
        form["recommender"] = "人事处 王老师";

        var response = await anonymous.PostAsync("/apply", Content(form, r.Leaf2));

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        using var scope = Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ExpertPoolDbContext>();
        var expert = await db.Experts.AsNoTracking().SingleAsync(e => e.IdNumber == idNumber);
        expert.JoinChannel.Should().Be(JoinChannel.EmployerRecommendation);
        (await db.ExpertApplications.AsNoTracking().SingleAsync(a => a.ExpertId == expert.Id)).Recommender.Should().Be("人事处 王老师");
    }

    [Fact]
    public async Task RejectingAnApplicant_TellsThemByMail_ButChangingAnotherExpertsStatusSendsNothing()
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        using var anonymous = Factory.CreateClient();
        var idNumber = TestData.IdNumber(birthYear: 1976);
        var email = TestData.Email("rejected");
        await Ok(anonymous.PostAsync("/apply", Content(Form(r, idNumber, email, TestData.CreditCode()), r.Leaf1)));
        using var scope = Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ExpertPoolDbContext>();
        var applicant = await db.Experts.Where(e => e.IdNumber == idNumber).Select(e => e.Id).SingleAsync();
        var registered = await CreateExpertAsync(NewExpert(r));

        await Ok(Admin.PostAsJsonAsync($"/api/experts/{applicant}/status", new { status = "Removed", reason = "信用记录不符合要求" }));
        await Ok(Admin.PostAsJsonAsync($"/api/experts/{registered["id"]}/status", new { status = "Active", reason = "录入" }));

        var decision = await db.Set<OutboxMessage>().AsNoTracking().SingleAsync(m => m.RecipientEmail == email && m.Kind == NoticeKind.ApplicationDecision);
        decision.TextBody.Should().Contain("未获通过").And.Contain("was not approved");
        (await db.Set<OutboxMessage>().AsNoTracking().CountAsync(m => m.RecipientEmail == registered["email"]!.GetValue<string>())).Should().Be(0);
    }

    [Fact]
    public async Task Apply_WithAnIdNumberAlreadyInThePool_RefusesWithoutNamingTheExpertAndStoresNothing()
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        var existing = await CreateExpertAsync(NewExpert(r));
        var idNumber = existing["idNumber"]!.GetValue<string>();
        using var anonymous = Factory.CreateClient();
        var email = TestData.Email("again");

        var response = await anonymous.PostAsync("/apply", Content(Form(r, idNumber, email, TestData.CreditCode()), r.Leaf1));
        var html = await response.Content.ReadAsStringAsync();

        response.StatusCode.Should().Be(HttpStatusCode.Conflict, html);
        html.Should().Contain("请勿重复申请").And.NotContain(existing["id"]!.GetValue<string>());
        (await ExpertsWithAsync(idNumber, email)).Should().Be(1, "only the expert registered before");
    }

    [Fact]
    public async Task Apply_WithoutAForm_IsABadRequestPage()
    {
        if (NotConfigured) return;
        using var anonymous = Factory.CreateClient();
        var response = await anonymous.PostAsJsonAsync("/apply", new { name = "x" });
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("请通过申请页面上的表单提交");
    }

    [Fact]
    public async Task ApplicationRows_AreAppendOnly()
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        using var anonymous = Factory.CreateClient();
        var idNumber = TestData.IdNumber(birthYear: 1972);
        await Ok(anonymous.PostAsync("/apply", Content(Form(r, idNumber, TestData.Email("kept"), TestData.CreditCode()), r.Leaf1)));
        using var scope = Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ExpertPoolDbContext>();
        var expertId = await db.Experts.Where(e => e.IdNumber == idNumber).Select(e => e.Id).SingleAsync();

        var update = () => db.ExpertApplications.Where(a => a.ExpertId == expertId).ExecuteUpdateAsync(s => s.SetProperty(a => a.YearsOfExperience, 40));
        var delete = () => db.ExpertApplications.Where(a => a.ExpertId == expertId).ExecuteDeleteAsync();

        (await update.Should().ThrowAsync<Exception>()).Which.Message.Should().Contain("append-only");
        (await delete.Should().ThrowAsync<Exception>()).Which.Message.Should().Contain("append-only");
        (await db.ExpertApplications.AsNoTracking().SingleAsync(a => a.ExpertId == expertId)).YearsOfExperience.Should().Be(12);
    }
}

public sealed class ApplicationsSqliteApiFactory : ExpertPoolApiFactory
{
    public ApplicationsSqliteApiFactory() : base(DatabaseProvider.Sqlite)
    {
    }

    protected override IEnumerable<(string Key, string? Value)> ExtraSettings() => [("Applications:PermitsPerHour", "1000")];
}

public sealed class ApplicationsPostgresApiFactory : ExpertPoolApiFactory
{
    public ApplicationsPostgresApiFactory() : base(DatabaseProvider.Postgres)
    {
    }

    protected override IEnumerable<(string Key, string? Value)> ExtraSettings() => [("Applications:PermitsPerHour", "1000")];
}

public sealed class SqliteApplicationPagesTests(ApplicationsSqliteApiFactory factory, ITestOutputHelper output) : ApplicationPagesTests<ApplicationsSqliteApiFactory>(factory, output);

public sealed class PostgresApplicationPagesTests(ApplicationsPostgresApiFactory factory, ITestOutputHelper output) : ApplicationPagesTests<ApplicationsPostgresApiFactory>(factory, output);

public sealed class StrictApplicationsSqliteApiFactory : ExpertPoolApiFactory
{
    public StrictApplicationsSqliteApiFactory() : base(DatabaseProvider.Sqlite)
    {
    }

    protected override IEnumerable<(string Key, string? Value)> ExtraSettings() => [("Applications:PermitsPerHour", "2")];
}

/// <summary>The form is open to anyone, so one address may send only so many applications an hour.</summary>
public sealed class ApplicationRateLimitTests(StrictApplicationsSqliteApiFactory factory, ITestOutputHelper output) : ApiTestBase<StrictApplicationsSqliteApiFactory>(factory, output)
{
    [Fact]
    public async Task Apply_BeyondThePermitsOfAnHour_IsRefusedWith429AndStoresNothing()
    {
        using var anonymous = Factory.CreateClient();
        var bodies = Enumerable.Range(0, 3).Select(_ => new FormUrlEncodedContent(new Dictionary<string, string> { ["name"] = "测试" })).ToList();
        (await anonymous.PostAsync("/apply", bodies[0])).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await anonymous.PostAsync("/apply", bodies[1])).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var third = await anonymous.PostAsync("/apply", bodies[2]);
        third.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        (await third.Content.ReadAsStringAsync()).Should().Contain("提交过于频繁");
        (await anonymous.GetAsync("/apply")).StatusCode.Should().Be(HttpStatusCode.OK, "reading the form is not limited");
    }
}

public sealed class ClosedApplicationsSqliteApiFactory : ExpertPoolApiFactory
{
    public ClosedApplicationsSqliteApiFactory() : base(DatabaseProvider.Sqlite)
    {
    }

    protected override IEnumerable<(string Key, string? Value)> ExtraSettings() => [("Applications:Enabled", "false")];
}

/// <summary>An agency that does not solicit experts at present switches the form off.</summary>
public sealed class ClosedApplicationsTests(ClosedApplicationsSqliteApiFactory factory, ITestOutputHelper output) : ApiTestBase<ClosedApplicationsSqliteApiFactory>(factory, output)
{
    [Fact]
    public async Task Apply_WhenApplicationsAreSwitchedOff_SaysSoAndStoresNothing()
    {
        var r = await CreateReferenceAsync();
        using var anonymous = Factory.CreateClient();
        var idNumber = TestData.IdNumber(birthYear: 1971);

        (await anonymous.GetStringAsync("/apply")).Should().Contain("不受理入库申请").And.NotContain("<form");
        var response = await anonymous.PostAsync("/apply", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["name"] = "关闭测试", ["idNumber"] = idNumber, ["email"] = TestData.Email("closed"), ["phone"] = "13900000000",
            ["employerName"] = "某单位", ["employerCreditCode"] = TestData.CreditCode(), ["title"] = "高级工程师", ["titleGrade"] = "FullSenior",
            ["yearsOfExperience"] = "20", ["specialtyCodes"] = r.Leaf1, ["regionCode"] = r.City1, ["statement"] = "经历", ["consent"] = "yes",
        }));

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        await using var db = Factory.Database.CreateContext();
        (await db.Experts.CountAsync(e => e.IdNumber == idNumber)).Should().Be(0);
    }
}
