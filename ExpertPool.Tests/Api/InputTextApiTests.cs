using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using ExpertPool.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace ExpertPool.Tests.Api;

/// <summary>
/// Text that reads as other text (invisible and direction characters, full-width digits) and control characters are
/// refused with a 400 naming the field, and nothing is stored (decision 035). Runs once per provider.
/// </summary>
public abstract class InputTextApiTests<TFactory> : ApiTestBase<TFactory>
    where TFactory : ExpertPoolApiFactory
{
    private static readonly DateTimeOffset Start = new(2026, 11, 22, 1, 0, 0, TimeSpan.Zero);

    protected InputTextApiTests(TFactory factory, ITestOutputHelper output) : base(factory, output)
    {
        factory.Clock.Set(Start);
    }

    private static string Error(JsonObject problem, string field) => problem["errors"]![field]![0]!.GetValue<string>();

    [Fact]
    public async Task An_entropy_value_with_invisible_or_full_width_characters_is_refused_so_the_right_value_can_still_be_entered()
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        await ActiveExpertAsync(r, "熵值专家甲");
        await ActiveExpertAsync(r, "熵值专家乙");
        var request = await ScheduleAsync(await CreateProjectAsync(), new { specialtyCode = r.Root, count = 1 });
        Factory.Clock.Set(DrawAt);
        var url = $"/api/panel-requests/{request}/entropy";

        // "5\u200b8" reads as the published "58" but hashes differently: the draw would not verify with the lottery result.
        var zeroWidth = await ProblemAsync(await Admin.PostAsJsonAsync(url, new { source = "福彩", value = "5\u200b8" }), HttpStatusCode.BadRequest);
        Error(zeroWidth, "value").Should().StartWith("不能包含不可见字符").And.Contain("U+200B").And.Contain("invisible");
        var bidi = await ProblemAsync(await Admin.PostAsJsonAsync(url, new { source = "福彩", value = "\u202e85" }), HttpStatusCode.BadRequest);
        Error(bidi, "value").Should().Contain("U+202E");
        var bom = await ProblemAsync(await Admin.PostAsJsonAsync(url, new { source = "福彩", value = "58\ufeff" }), HttpStatusCode.BadRequest);
        Error(bom, "value").Should().Contain("U+FEFF");
        var separator = await ProblemAsync(await Admin.PostAsJsonAsync(url, new { source = "福彩", value = "5\u20288" }), HttpStatusCode.BadRequest);
        Error(separator, "value").Should().Contain("one line");
        // Typed on a Chinese keyboard in full-width mode: refused, not converted, since the value is hashed as entered.
        var fullWidth = await ProblemAsync(await Admin.PostAsJsonAsync(url, new { source = "福彩3D 2026320期", value = "５８１" }), HttpStatusCode.BadRequest);
        Error(fullWidth, "value").Should().StartWith("请使用半角字符").And.Contain("U+FF15").And.Contain("half-width");
        var ideographicSpace = await ProblemAsync(await Admin.PostAsJsonAsync(url, new { source = "福彩", value = "5\u30008\u30001" }), HttpStatusCode.BadRequest);
        Error(ideographicSpace, "value").Should().Contain("U+3000");
        (await Admin.GetFromJsonAsync<JsonArray>(url)).Should().BeEmpty("a refused value is not stored");

        // So the value as published can still be entered, and the draw verifies with it.
        await Ok(Admin.PostAsJsonAsync(url, new { source = "福彩3D 2026320期", value = "58" }));
        var draw = (await (await Ok(Admin.PostAsync($"/api/panel-requests/{request}/draw", null))).Content.ReadFromJsonAsync<JsonObject>())!;
        var record = JsonNode.Parse(await (await Ok(Admin.GetAsync($"/api/draws/{draw["id"]}/record"))).Content.ReadAsStringAsync())!;
        record["externalEntropy"]!.AsArray().Should().ContainSingle().Which!["value"]!.GetValue<string>().Should().Be("58");
        var verify = (await (await Ok(Auditor.PostAsync($"/api/draws/{draw["id"]}/verify", null))).Content.ReadFromJsonAsync<JsonObject>())!;
        verify["matches"]!.GetValue<bool>().Should().BeTrue(verify.ToJsonString());
    }

    [Fact]
    public async Task A_supervisor_name_or_redraw_reason_with_control_or_direction_characters_is_refused_and_nothing_is_scheduled()
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        var project = await CreateProjectAsync();
        object Body(string supervisorName, Guid? supersedes = null, string? redrawReason = null) => new
        {
            projectId = project,
            quotas = new[] { new { specialtyCode = r.Root, count = 1 } },
            scheduledDrawAt = DrawAt,
            replyDeadline = ReplyBy,
            supervisorName,
            supersedesRequestId = supersedes,
            redrawReason,
        };
        async Task<int> RequestsAsync()
        {
            await using var db = Factory.Database.CreateContext();
            return await db.PanelRequests.CountAsync(p => p.ProjectId == project);
        }

        var controls = await ProblemAsync(await Admin.PostAsJsonAsync("/api/panel-requests", Body("张三\n\u0000李四\u202e")), HttpStatusCode.BadRequest);
        Error(controls, "supervisorName").Should().Contain("one line");
        var nul = await ProblemAsync(await Admin.PostAsJsonAsync("/api/panel-requests", Body("张三\u0000")), HttpStatusCode.BadRequest);
        Error(nul, "supervisorName").Should().Contain("U+0000");
        var rtl = await ProblemAsync(await Admin.PostAsJsonAsync("/api/panel-requests", Body("李\u202e监督")), HttpStatusCode.BadRequest);
        Error(rtl, "supervisorName").Should().Contain("U+202E");
        var zeroWidth = await ProblemAsync(await Admin.PostAsJsonAsync("/api/panel-requests", Body("\u200b")), HttpStatusCode.BadRequest);
        Error(zeroWidth, "supervisorName").Should().Contain("U+200B");
        (await RequestsAsync()).Should().Be(0);

        var first = Guid.Parse((await (await Ok(Admin.PostAsJsonAsync("/api/panel-requests", Body("李监督")))).Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>());
        await Ok(Admin.PostAsJsonAsync($"/api/panel-requests/{first}/cancel", new { reason = "项目延期" }));
        var reason = await ProblemAsync(await Admin.PostAsJsonAsync("/api/panel-requests", Body("李监督", first, "重抽\u0001\u001b[31m")), HttpStatusCode.BadRequest);
        Error(reason, "redrawReason").Should().Contain("U+0001");
        (await RequestsAsync()).Should().Be(1, "the refused re-draw is not stored");

        // A reason is free text, as a cancel reason: it may span lines.
        await Ok(Admin.PostAsJsonAsync("/api/panel-requests", Body("李监督", first, "原申请已取消\n重新安排抽取")));
        (await RequestsAsync()).Should().Be(2);
    }

    [Fact]
    public async Task Control_characters_in_preparer_notes_region_and_specialty_names_are_refused_and_nothing_is_stored()
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        var expert = await ActiveExpertAsync(r, "编制专家");
        var code = "XM-2026-" + TestData.Suffix();
        var note = await ProblemAsync(await Admin.PostAsJsonAsync("/api/projects", ProjectBody(code, preparers: [new { expertId = expert, note = "a\u0001b" }])), HttpStatusCode.BadRequest);
        Error(note, "preparers[0].note").Should().Contain("U+0001");
        await using (var db = Factory.Database.CreateContext())
            (await db.Projects.CountAsync(p => p.Code == code)).Should().Be(0);
        // A note is free text: it may span lines.
        await Ok(Admin.PostAsJsonAsync("/api/projects", ProjectBody(code, preparers: [new { expertId = expert, note = "编制申报书\n第二部分" }])));

        var regionCode = "99" + Random.Shared.Next(10, 99).ToString(System.Globalization.CultureInfo.InvariantCulture) + "00";
        var region = await ProblemAsync(await Admin.PostAsJsonAsync("/api/regions", new { code = regionCode, nameZh = "x\u0001", nameEn = "x\u200b" }), HttpStatusCode.BadRequest);
        Error(region, "nameZh").Should().Contain("U+0001");
        Error(region, "nameEn").Should().Contain("U+200B");
        var regionLines = await ProblemAsync(await Admin.PostAsJsonAsync("/api/regions", new { code = regionCode, nameZh = "某市\n第二行", nameEn = "x" }), HttpStatusCode.BadRequest);
        Error(regionLines, "nameZh").Should().Contain("one line");
        (await Admin.GetFromJsonAsync<JsonArray>("/api/regions"))!.Should().NotContain(x => x!["code"]!.GetValue<string>() == regionCode);

        var specialtyCode = "ZZ98" + TestData.Suffix();
        var specialty = await ProblemAsync(await Admin.PostAsJsonAsync("/api/specialties", new { code = specialtyCode, nameZh = "x\u0001\u202e", nameEn = "x" }), HttpStatusCode.BadRequest);
        Error(specialty, "nameZh").Should().Contain("U+0001");
        (await Admin.GetAsync($"/api/specialties/{specialtyCode}")).StatusCode.Should().Be(HttpStatusCode.NotFound);

        // A rename is checked the same way and leaves the names as they were.
        var before = await Admin.GetStringAsync($"/api/specialties/{r.Leaf1}");
        var rename = await ProblemAsync(await Admin.PutAsJsonAsync($"/api/specialties/{r.Leaf1}", new { nameZh = "卓越\u202e绩效", nameEn = "Performance\nexcellence" }), HttpStatusCode.BadRequest);
        rename["errors"]!.AsObject().Select(e => e.Key).Should().BeEquivalentTo("nameZh", "nameEn");
        (await Admin.GetStringAsync($"/api/specialties/{r.Leaf1}")).Should().Be(before);
    }

    [Fact]
    public async Task Invisible_characters_in_organisation_names_and_aliases_are_refused_on_create_and_update()
    {
        if (NotConfigured) return;
        var name = "同名测试单位" + TestData.Suffix();
        await CreateOrganisationAsync(name);
        async Task<int> NamedAsync(string text)
        {
            await using var db = Factory.Database.CreateContext();
            return await db.Organisations.CountAsync(o => o.Name.Contains(text) || o.Aliases.Any(a => a.Name.Contains(text)));
        }

        // B under A's name with a zero-width space would not be matched with A by the same-organisation rule.
        var alias = await ProblemAsync(await Admin.PostAsJsonAsync("/api/organisations", new { name = "另一单位" + TestData.Suffix(), creditCode = TestData.CreditCode(), aliases = new[] { name + "\u200b" } }), HttpStatusCode.BadRequest);
        Error(alias, "aliases").Should().Contain("U+200B");
        foreach (var disguised in new[] { name + "\u200b", "\ufeff" + name, name[..2] + "\u202e" + name[2..], name[..2] + "\u200d" + name[2..] })
        {
            var problem = await ProblemAsync(await Admin.PostAsJsonAsync("/api/organisations", new { name = disguised, creditCode = TestData.CreditCode() }), HttpStatusCode.BadRequest);
            problem["errors"]!.AsObject().Select(e => e.Key).Should().Equal(["name"], disguised);
        }
        (await NamedAsync(name)).Should().Be(1, "only A was stored");

        // Both problems at once, and an update is checked the same way and changes nothing.
        var both = await ProblemAsync(await Admin.PostAsJsonAsync("/api/organisations", new { name = "\u200b", creditCode = TestData.CreditCode(), aliases = new List<string> { "别\u200b名" } }), HttpStatusCode.BadRequest);
        both["errors"]!.AsObject().Select(e => e.Key).Should().BeEquivalentTo("name", "aliases");
        var b = await CreateOrganisationAsync("另一单位" + TestData.Suffix(), aliases: ["乙单位" + TestData.Suffix()]);
        var before = await Admin.GetStringAsync($"/api/organisations/{b}");
        Error(await ProblemAsync(await PutOrganisationAsync(b, new { name = "另一单位", aliases = new[] { name + "\u200b" } }), HttpStatusCode.BadRequest), "aliases").Should().Contain("U+200B");
        Error(await ProblemAsync(await PutOrganisationAsync(b, new { name = name + "\u2060" }), HttpStatusCode.BadRequest), "name").Should().Contain("U+2060");
        (await Admin.GetStringAsync($"/api/organisations/{b}")).Should().Be(before, "a refused change changes nothing");
        (await Admin.GetFromJsonAsync<JsonArray>($"/api/organisations/{b}/history"))!.Should().ContainSingle();
    }

    [Fact]
    public async Task Invisible_characters_in_expert_and_project_names_are_refused_through_the_api_the_csv_import_and_the_public_form()
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        var tag = TestData.Suffix();
        JsonObject Expert(string field, string value)
        {
            var body = JsonNode.Parse(JsonSerializer.Serialize(NewExpert(r, name: "不可见" + tag)))!.AsObject();
            body[field] = value;
            return body;
        }
        foreach (var (field, value) in new[] { ("name", "\u200b"), ("name", "王\u202e五"), ("name", "\ufeff王五"), ("title", "高级\u200b工程师"), ("employerName", "检测院\u200b" + tag) })
        {
            var problem = await ProblemAsync(await Admin.PostAsJsonAsync("/api/experts", Expert(field, value)), HttpStatusCode.BadRequest);
            problem["errors"]!.AsObject().Select(e => e.Key).Should().Equal([field], "the employer's name is reported as employerName, not as an organisation's name");
            Error(problem, field).Should().Contain("invisible");
        }
        (await Admin.GetFromJsonAsync<JsonObject>($"/api/experts?q={tag}"))!["total"]!.GetValue<int>().Should().Be(0);

        var code = "XM-2026-" + TestData.Suffix();
        foreach (var name in new[] { "\u200b", "质量\u202e项目", "\ufeff" })
        {
            var body = JsonNode.Parse(JsonSerializer.Serialize(ProjectBody(code)))!.AsObject();
            body["name"] = name;
            Error(await ProblemAsync(await Admin.PostAsJsonAsync("/api/projects", body), HttpStatusCode.BadRequest), "name").Should().Contain("invisible");
        }
        var project = await CreateProjectAsync();
        var stored = await Admin.GetStringAsync($"/api/projects/{project}");
        var renamed = JsonNode.Parse(JsonSerializer.Serialize(ProjectBody(JsonNode.Parse(stored)!["code"]!.GetValue<string>())))!.AsObject();
        renamed["name"] = "质量提升\u200b示范项目";
        Error(await ProblemAsync(await PutProjectAsync(project, renamed), HttpStatusCode.BadRequest), "name").Should().Contain("U+200B");
        (await Admin.GetStringAsync($"/api/projects/{project}")).Should().Be(stored);
        await using (var db = Factory.Database.CreateContext())
            (await db.Projects.CountAsync(p => p.Code == code)).Should().Be(0);

        // The CSV import takes the same checks (ExpertDraft), reported by line and column.
        const string header = "姓名,身份证号,工作单位,统一社会信用代码,职称,职称级别,专业代码,行政区划代码,邮箱,电话";
        var csv = string.Join("\n", header,
            $"张\u200b伟{tag},{TestData.IdNumber()},杭州检测院,{TestData.CreditCode()},高级工程师,副高级,{r.Leaf1},{r.City1},{TestData.Email()},13800001111",
            $"李娜{tag},{TestData.IdNumber()},杭州\u202e检测院,{TestData.CreditCode()},高级工程师,副高级,{r.Leaf1},{r.City1},{TestData.Email()},13800001111");
        using var content = new StringContent(csv, System.Text.Encoding.UTF8, "text/csv");
        var rows = (await ProblemAsync(await Admin.PostAsync("/api/experts/import", content), HttpStatusCode.BadRequest))["rowErrors"]!.AsArray();
        rows.Select(e => (e!["line"]!.GetValue<int>(), e["column"]!.GetValue<string>())).Should().BeEquivalentTo(new[] { (2, "姓名"), (3, "工作单位") });
        (await Admin.GetFromJsonAsync<JsonObject>($"/api/experts?q={tag}"))!["total"]!.GetValue<int>().Should().Be(0);

        // The public form shows the field's error on the form again, not a generic error page.
        using var anonymous = Factory.CreateClient();
        var email = TestData.Email("invisible");
        var form = new Dictionary<string, string>
        {
            ["name"] = "欧阳\u200b晓明",
            ["idNumber"] = TestData.IdNumber(birthYear: 1970),
            ["email"] = email,
            ["phone"] = "13912345678",
            ["preferredLanguage"] = "zh-CN",
            ["employerName"] = "杭州市特种设备检测研究院\u202e" + tag,
            ["employerCreditCode"] = TestData.CreditCode(),
            ["title"] = "高级工程师",
            ["titleGrade"] = "AssociateSenior",
            ["yearsOfExperience"] = "12",
            ["regionCode"] = r.City1,
            ["specialtyCodes"] = r.Leaf1,
            ["joinChannel"] = "SelfApplication",
            ["statement"] = "从事压力容器检验 12 年\u0007",
            ["consent"] = "yes",
        };
        var response = await anonymous.PostAsync("/apply", new FormUrlEncodedContent(form));
        var html = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, html);
        html.Should().Contain("申请未提交").And.Contain("data-field=\"name\"").And.Contain("data-field=\"employerName\"").And.Contain("data-field=\"statement\"").And.Contain("U+200B").And.Contain("U+202E");
        await using (var db = Factory.Database.CreateContext())
            (await db.Experts.CountAsync(e => e.Email == email)).Should().Be(0);
    }

    [Fact]
    public async Task More_blackouts_than_the_limit_or_a_period_twice_is_refused_on_create_and_update()
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        var max = ExpertPool.Domain.Experts.ExpertDraft.BlackoutsMax;
        JsonArray Periods(int count) => new(Enumerable.Range(0, count)
            .Select(i => (JsonNode)new JsonObject { ["from"] = new DateOnly(2027, 1, 1).AddDays(2 * i).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), ["to"] = new DateOnly(2027, 1, 1).AddDays(2 * i).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) })
            .ToArray());
        var tag = TestData.Suffix();
        JsonObject Body(JsonArray blackouts)
        {
            var body = JsonNode.Parse(JsonSerializer.Serialize(NewExpert(r, name: "休假专家" + tag)))!.AsObject();
            body["blackouts"] = blackouts;
            return body;
        }

        var many = await ProblemAsync(await Admin.PostAsJsonAsync("/api/experts", Body(Periods(20_000))), HttpStatusCode.BadRequest);
        Error(many, "blackouts").Should().Contain($"at most {max}");
        many["errors"]!.AsObject().Should().HaveCount(1, "one error for the list, not one per entry");
        var twice = Periods(2);
        twice.Add(twice[1]!.DeepClone());
        var repeated = await ProblemAsync(await Admin.PostAsJsonAsync("/api/experts", Body(twice)), HttpStatusCode.BadRequest);
        Error(repeated, "blackouts[2]").Should().Contain("repeats");
        (await Admin.GetFromJsonAsync<JsonObject>($"/api/experts?q={tag}"))!["total"]!.GetValue<int>().Should().Be(0);

        // The limit itself is accepted; one more on an update is refused and changes nothing.
        var expert = (await CreateExpertAsync(Body(Periods(max))))["id"]!.GetValue<string>();
        var before = await Admin.GetStringAsync($"/api/experts/{expert}");
        JsonNode.Parse(before)!["blackouts"]!.AsArray().Should().HaveCount(max);
        var update = Body(Periods(max + 1));
        var stored = JsonNode.Parse(before)!.AsObject();
        foreach (var key in new[] { "idNumber", "email", "phone", "employerName", "employerCreditCode", "regionCode" })
            update[key] = stored[key]?.DeepClone() ?? update[key]?.DeepClone();
        using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/experts/{expert}") { Content = JsonContent.Create(update) };
        put.Headers.TryAddWithoutValidation("If-Match", "*");
        Error(await ProblemAsync(await Admin.SendAsync(put), HttpStatusCode.BadRequest), "blackouts").Should().Contain($"at most {max}");
        (await Admin.GetStringAsync($"/api/experts/{expert}")).Should().Be(before);
    }
}

public sealed class SqliteInputTextApiTests(SqliteApiFactory factory, ITestOutputHelper output) : InputTextApiTests<SqliteApiFactory>(factory, output);

public sealed class PostgresInputTextApiTests(PostgresApiFactory factory, ITestOutputHelper output) : InputTextApiTests<PostgresApiFactory>(factory, output);
