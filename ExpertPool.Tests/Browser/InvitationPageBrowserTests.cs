using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ExpertPool.Domain.Invitations;
using ExpertPool.Tests.Api;
using ExpertPool.Tests.Fixtures;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ExpertPool.Tests.Browser;

/// <summary>The Api on a real Kestrel port, so Debian's Chromium can reach it.</summary>
public sealed class KestrelApiFactory : ExpertPoolApiFactory
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        UseKestrel(0);
        StartServer();
    }

    public Uri Address => new(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/");
}

/// <summary>Experts in a real browser (Debian Chromium through Playwright): the links from the mail, the published draw, the application form.</summary>
public sealed class InvitationPageBrowserTests(KestrelApiFactory factory, ITestOutputHelper output) : ApiTestBase<KestrelApiFactory>(factory, output), IAsyncLifetime
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async Task InitializeAsync()
    {
        if (!File.Exists("/usr/bin/chromium"))
            throw new InvalidOperationException("Browser tests need Debian's chromium at /usr/bin/chromium (.ci/run installs it).");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
            await _browser.DisposeAsync();
        _playwright?.Dispose();
    }

    private async Task<(Invitation Invitation, Guid Applicant)> DrawnInvitationAsync()
    {
        Factory.Clock.Set(new DateTimeOffset(2026, 11, 22, 1, 0, 0, TimeSpan.Zero));
        var r = await CreateReferenceAsync();
        await ActiveExpertAsync(r, "浏览器专家");
        var applicant = await CreateOrganisationAsync("浙江某某检测有限公司" + TestData.Suffix());
        var project = await CreateProjectAsync(parties: [new { organisationId = applicant, role = "Applicant" }]);
        var request = await ScheduleAsync(project, new { specialtyCode = r.Root, count = 1, backups = 0 });
        Factory.Clock.Set(DrawAt);
        await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{request}/entropy", new { source = "supervisor", value = "99" }));
        await Ok(Admin.PostAsync($"/api/panel-requests/{request}/draw", null));
        await using var db = Factory.Database.CreateContext();
        return (await db.Invitations.AsNoTracking().SingleAsync(i => i.PanelRequestId == request), applicant);
    }

    private Uri PageUrl(Invitation invitation, bool confirm)
    {
        using var scope = Factory.Services.CreateScope();
        var links = scope.ServiceProvider.GetRequiredService<InvitationService>().Links(invitation);
        var link = confirm ? links.Confirm : links.Decline;
        return new Uri(Factory.Address, link.PathAndQuery.TrimStart('/'));
    }

    private async Task<InvitationStatus> StatusAsync(Guid id)
    {
        await using var db = Factory.Database.CreateContext();
        return (await db.Invitations.AsNoTracking().SingleAsync(i => i.Id == id)).Status;
    }

    private static string Screenshot(string name) =>
        Path.Combine(Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName, name);

    [Fact]
    public async Task An_expert_opens_the_confirm_link_sees_the_invitation_in_chinese_and_confirms_with_one_click()
    {
        var (invitation, _) = await DrawnInvitationAsync();
        var page = await _browser!.NewPageAsync();

        await page.GotoAsync(PageUrl(invitation, confirm: true).ToString());

        (await page.TitleAsync()).Should().Contain("邀请确认");
        (await page.Locator("#project-code").InnerTextAsync()).Should().StartWith("XM-2026-");
        (await StatusAsync(invitation.Id)).Should().Be(InvitationStatus.Pending, "opening the page changes nothing");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshot("invitation-confirm.png"), FullPage = true });

        await page.ClickAsync("#confirm");
        await page.Locator("#state").WaitForAsync();

        (await page.Locator("#state").InnerTextAsync()).Should().Contain("您已确认参加").And.Contain("You have confirmed");
        (await StatusAsync(invitation.Id)).Should().Be(InvitationStatus.Confirmed);
    }

    [Fact]
    public async Task An_expert_declines_in_the_browser_for_a_conflict_with_the_applicant()
    {
        var (invitation, applicant) = await DrawnInvitationAsync();
        var page = await _browser!.NewPageAsync();
        await page.GotoAsync(PageUrl(invitation, confirm: false).ToString());

        await page.ClickAsync("#decline");
        (await page.Locator(".error").InnerTextAsync()).Should().Contain("请选择谢绝原因", "submitting without a reason is refused with a clear message");
        (await StatusAsync(invitation.Id)).Should().Be(InvitationStatus.Pending);

        await page.CheckAsync("input[name=kind][value=Conflict]");
        await page.SelectOptionAsync("select[name=party]", applicant.ToString());
        await page.FillAsync("textarea[name=reason]", "三年内曾在该单位任职");
        await page.ClickAsync("#decline");
        await page.Locator("#state").WaitForAsync();

        (await StatusAsync(invitation.Id)).Should().Be(InvitationStatus.Declined);
        var declared = await Admin.GetFromJsonAsync<JsonArray>($"/api/experts/{invitation.ExpertId}/declared-conflicts");
        declared!.Should().Contain(d => d!["organisationId"]!.GetValue<string>() == applicant.ToString());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshot("invitation-declined.png"), FullPage = true });
    }

    [Fact]
    public async Task After_the_review_starts_anyone_opens_the_published_draw_and_sees_the_panel_in_chinese_first()
    {
        var (invitation, _) = await DrawnInvitationAsync();
        var page = await _browser!.NewPageAsync();
        await page.GotoAsync(PageUrl(invitation, confirm: true).ToString());
        await page.ClickAsync("#confirm");
        await page.Locator("#state").WaitForAsync();

        Factory.Clock.Set(new DateTimeOffset(ReviewStartsAt, TimeSpan.Zero));
        await page.GotoAsync(new Uri(Factory.Address, "public/draws").ToString());
        (await page.TitleAsync()).Should().StartWith("抽取结果公示");
        await page.ClickAsync($"a[href='/public/draws/{invitation.DrawRecordId}']");
        await page.Locator("#panel").WaitForAsync();

        (await page.Locator("#panel .name").AllInnerTextsAsync()).Should().Equal("浏览器专家");
        (await page.Locator("#supervisor").InnerTextAsync()).Should().Be("李监督");
        (await page.Locator("#commitment").InnerTextAsync()).Should().MatchRegex("^[0-9a-f]{64}$");
        (await page.Locator("h2").First.InnerTextAsync()).Should().Be("专家名单 Panel");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshot("published-draw.png"), FullPage = true });
    }
    [Fact]
    public async Task An_applicant_fills_in_the_public_form_is_told_what_to_correct_and_then_gets_a_reference()
    {
        var r = await CreateReferenceAsync();
        var idNumber = TestData.IdNumber(birthYear: 1968);
        var page = await _browser!.NewPageAsync();
        await page.GotoAsync(new Uri(Factory.Address, "apply").ToString());
        (await page.TitleAsync()).Should().StartWith("专家入库申请");

        await page.FillAsync("#name", "司马浏览");
        await page.FillAsync("#idNumber", idNumber);
        await page.FillAsync("#email", TestData.Email("browser"));
        await page.FillAsync("#phone", "13800001111");
        await page.FillAsync("#employerName", "浙江省计量科学研究院" + TestData.Suffix());
        await page.FillAsync("#employerCreditCode", "12345");
        await page.FillAsync("#title", "高级工程师");
        await page.SelectOptionAsync("#titleGrade", "AssociateSenior");
        await page.FillAsync("#yearsOfExperience", "15");
        await page.CheckAsync($"input[name=specialtyCodes][value='{r.Leaf1}']");
        await page.SelectOptionAsync("#regionCode", r.City2);
        await page.FillAsync("#statement", "长期从事计量校准与质量管理体系审核。");
        await page.CheckAsync("#consent");
        await page.ClickAsync("#submit");
        await page.Locator("#errors").WaitForAsync();

        (await page.Locator("[data-field=employerCreditCode]").InnerTextAsync()).Should().NotBeEmpty("the bad credit code is explained next to its field");
        (await page.InputValueAsync("#name")).Should().Be("司马浏览", "what was typed is kept");
        (await page.IsCheckedAsync($"input[name=specialtyCodes][value='{r.Leaf1}']")).Should().BeTrue();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshot("application-errors.png"), FullPage = true });

        await page.FillAsync("#employerCreditCode", TestData.CreditCode());
        await page.ClickAsync("#submit");
        await page.Locator("#received").WaitForAsync();

        (await page.Locator("#reference").InnerTextAsync()).Should().MatchRegex("^SQ-[0-9A-F]{12}$");
        (await page.ContentAsync()).Should().NotContain(idNumber, "the ID number is shown masked");
        await using var db = Factory.Database.CreateContext();
        (await db.Experts.AsNoTracking().SingleAsync(e => e.IdNumber == idNumber)).Status.Should().Be(ExpertPool.Domain.Experts.ExpertStatus.Applied);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshot("application-received.png"), FullPage = true });
    }
}
