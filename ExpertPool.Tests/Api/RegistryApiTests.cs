using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using ExpertPool.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace ExpertPool.Tests.Api;

/// <summary>The registry API suite. It runs once per provider: see the two subclasses at the bottom.</summary>
public abstract class RegistryApiTests<TFactory>(TFactory factory, ITestOutputHelper output) : ApiTestBase<TFactory>(factory, output)
    where TFactory : ExpertPoolApiFactory
{
    [Fact]
    public async Task Creating_an_expert_returns_201_with_location_and_etag_and_the_data_round_trips_exactly()
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        const string name = "欧阳🙂 Zhang-李";
        var created = await Admin.PostAsJsonAsync("/api/experts", NewExpert(r, name: name, employer: "杭州📐检测 Co., Ltd. 有限公司"));

        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        created.Headers.Location!.ToString().Should().StartWith("/api/experts/");
        created.Headers.ETag!.Tag.Should().Be("\"v1\"");
        var fetched = await Admin.GetFromJsonAsync<JsonObject>(created.Headers.Location);
        fetched!["name"]!.GetValue<string>().Should().Be(name);
        fetched["employer"]!["name"]!.GetValue<string>().Should().Be("杭州📐检测 Co., Ltd. 有限公司");
        fetched["status"]!.GetValue<string>().Should().Be("Applied");
        fetched["specialties"]![0]!["code"]!.GetValue<string>().Should().Be(r.Leaf1);
        fetched["gender"]!.GetValue<string>().Should().Be("Male", "the ID number's 17th digit is odd");
    }

    [Theory]
    [InlineData(2030, "in the future")]
    [InlineData(1905, "more than 100 years ago")]
    public async Task Creating_an_expert_whose_id_number_gives_an_impossible_birth_date_is_refused(int birthYear, string reason)
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        var body = JsonNode.Parse(JsonSerializer.Serialize(NewExpert(r)))!.AsObject();
        var idNumber = TestData.IdNumber(birthYear: birthYear);
        body["idNumber"] = idNumber;

        var problem = await ProblemAsync(await Admin.PostAsJsonAsync("/api/experts", body), HttpStatusCode.BadRequest);

        problem["errors"]!["idNumber"]![0]!.GetValue<string>().Should().Contain(reason);
        (await Admin.GetFromJsonAsync<JsonObject>($"/api/experts?q={Uri.EscapeDataString(body["name"]!.GetValue<string>())}&pageSize=100"))!["items"]!.AsArray()
            .Should().NotContain(e => e!["idNumber"]!.GetValue<string>() == idNumber);
    }

    [Fact]
    public async Task A_request_without_a_body_is_told_that_a_json_body_is_required_and_changes_nothing()
    {
        if (NotConfigured) return;
        var admin = Admin; // starts the service, which migrates the database
        await Ok(admin.GetAsync("/api/projects"));
        int before;
        await using (var db = Factory.Database.CreateContext())
            before = await db.Projects.CountAsync();

        var problem = await ProblemAsync(await admin.PostAsync("/api/projects", new StringContent("", System.Text.Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);

        problem["errors"]!["body"]![0]!.GetValue<string>().Should().Be("必须提供 JSON 请求体 / a JSON body is required");
        await using (var db = Factory.Database.CreateContext())
            (await db.Projects.CountAsync()).Should().Be(before);
    }

    [Fact]
    public async Task Renaming_an_organisation_without_aliases_keeps_its_aliases()
    {
        if (NotConfigured) return;
        var name = "更名单位" + TestData.Suffix();
        var org = await CreateOrganisationAsync(name, aliases: ["旧称甲", "旧称乙"]);

        var renamed = await (await Ok(PutOrganisationAsync(org, new { name = name + "（更名）" }))).Content.ReadFromJsonAsync<JsonObject>();
        renamed!["name"]!.GetValue<string>().Should().Be(name + "（更名）");
        AliasesOf(renamed).Should().BeEquivalentTo(["旧称甲", "旧称乙", name], "a rename that lists no aliases keeps the former name as one");

        // An explicit list replaces them; an explicit empty list clears them.
        var one = new List<string> { "旧称甲" };
        AliasesOf((await (await Ok(PutOrganisationAsync(org, new { name, aliases = one }))).Content.ReadFromJsonAsync<JsonObject>())!)
            .Should().Equal("旧称甲");
        AliasesOf((await (await Ok(PutOrganisationAsync(org, new { name, aliases = Array.Empty<string>() }))).Content.ReadFromJsonAsync<JsonObject>())!)
            .Should().BeEmpty();

        static List<string> AliasesOf(JsonObject o) => o["aliases"]!.AsArray().Select(a => a!.GetValue<string>()).ToList();
    }

    [Fact]
    public async Task Organisation_edits_need_the_current_etag_and_a_stale_one_changes_nothing()
    {
        if (NotConfigured) return;
        var name = "版本单位" + TestData.Suffix();
        var org = await CreateOrganisationAsync(name, aliases: ["别称一"]);
        var read = await Ok(Admin.GetAsync($"/api/organisations/{org}"));
        read.Headers.ETag!.Tag.Should().Be("\"v1\"");

        // No If-Match: 428, and nothing changes.
        await ProblemAsync(await Admin.PutAsJsonAsync($"/api/organisations/{org}", new { name = name + "甲", aliases = Array.Empty<string>() }), HttpStatusCode.PreconditionRequired);

        // The first editor saves from v1 and gets v2 back.
        using var firstPut = new HttpRequestMessage(HttpMethod.Put, $"/api/organisations/{org}") { Content = JsonContent.Create(new { name = name + "乙", aliases = new List<string> { "别称一", "别称二" } }) };
        firstPut.Headers.IfMatch.Add(read.Headers.ETag!);
        var saved = await Ok(Admin.SendAsync(firstPut));
        saved.Headers.ETag!.Tag.Should().Be("\"v2\"");

        // A second editor still holding v1 would drop both aliases: 412, and the first edit stands.
        using var stale = new HttpRequestMessage(HttpMethod.Put, $"/api/organisations/{org}") { Content = JsonContent.Create(new { name = name + "丙", aliases = Array.Empty<string>() }) };
        stale.Headers.IfMatch.Add(read.Headers.ETag!);
        var refused = await ProblemAsync(await Admin.SendAsync(stale), HttpStatusCode.PreconditionFailed);
        refused["detail"]!.GetValue<string>().Should().StartWith("单位信息已被他人修改").And.Contain("version 2");
        using var staleDelete = new HttpRequestMessage(HttpMethod.Delete, $"/api/organisations/{org}");
        staleDelete.Headers.IfMatch.Add(read.Headers.ETag!);
        await ProblemAsync(await Admin.SendAsync(staleDelete), HttpStatusCode.PreconditionFailed);

        var now = (await Admin.GetFromJsonAsync<JsonObject>($"/api/organisations/{org}"))!;
        now["name"]!.GetValue<string>().Should().Be(name + "乙");
        now["version"]!.GetValue<int>().Should().Be(2);
        now["aliases"]!.AsArray().Select(a => a!.GetValue<string>()).Should().Equal("别称一", "别称二");

        // Two saves from the same version at the same moment: the version column lets only the first through.
        await using var first = Factory.Database.CreateContext();
        await using var second = Factory.Database.CreateContext();
        var orgId = Guid.Parse(org.ToString());
        var a = await first.Organisations.Include(o => o.Aliases).SingleAsync(o => o.Id == orgId);
        var b = await second.Organisations.Include(o => o.Aliases).SingleAsync(o => o.Id == orgId);
        // (The aliases are listed, so neither adds its former name as one: only the version column can tell them apart.)
        a.Update(name + "丁", ["别称一", "别称二"], 2, DateTime.UtcNow);
        b.Update(name + "戊", ["别称一", "别称二"], 2, DateTime.UtcNow);
        await first.SaveChangesAsync();
        var lost = () => second.SaveChangesAsync();
        await lost.Should().ThrowAsync<DbUpdateConcurrencyException>();
        (await Admin.GetFromJsonAsync<JsonObject>($"/api/organisations/{org}"))!["name"]!.GetValue<string>().Should().Be(name + "丁");
    }

    [Fact]
    public async Task Every_organisation_change_is_kept_with_who_made_it_even_after_the_organisation_is_deleted()
    {
        if (NotConfigured) return;
        var name = "历史单位" + TestData.Suffix();
        var org = await CreateOrganisationAsync(name, aliases: ["旧称甲", "旧称乙"]);
        await Ok(PutOrganisationAsync(org, new { name, aliases = new List<string> { "旧称甲" } }));
        await Ok(PutOrganisationAsync(org, new { name = name + "（更名）" }));
        (await Admin.DeleteAsync($"/api/organisations/{org}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        await ProblemAsync(await Admin.GetAsync($"/api/organisations/{org}"), HttpStatusCode.NotFound);

        // Auditors read it: which aliases the unit had, when, and who removed one.
        var history = (await Auditor.GetFromJsonAsync<JsonArray>($"/api/organisations/{org}/history"))!;
        history.Select(h => (h!["kind"]!.GetValue<string>(), h["version"]!.GetValue<int>(), h["name"]!.GetValue<string>(), string.Join("|", h["aliases"]!.AsArray().Select(a => a!.GetValue<string>()))))
            .Should().Equal(
                ("Created", 1, name, "旧称乙|旧称甲"),
                ("Updated", 2, name, "旧称甲"),
                ("Updated", 3, name + "（更名）", $"{name}|旧称甲"),
                ("Deleted", 3, name + "（更名）", $"{name}|旧称甲"));
        history.Select(h => h!["changedBy"]!.GetValue<string>()).Should().OnlyContain(by => by == "admin");

        // An expert registered with a new employer, and a CSV import naming another one, start theirs too.
        var r = await CreateReferenceAsync();
        var code = TestData.CreditCode();
        var expert = await CreateExpertAsync(NewExpert(r, employer: "新登记单位" + TestData.Suffix(), creditCode: code));
        var employer = expert["employer"]!["id"]!.GetValue<string>();
        var first = (await Admin.GetFromJsonAsync<JsonArray>($"/api/organisations/{employer}/history"))!.Single()!;
        (first["kind"]!.GetValue<string>(), first["changedBy"]!.GetValue<string>()).Should().Be(("Created", "admin"));

        var csvCode = TestData.CreditCode();
        var csv = "姓名,身份证号,工作单位,统一社会信用代码,职称,职称级别,专业代码,行政区划代码,邮箱,电话\n"
            + $"导入专家,{TestData.IdNumber()},导入新单位{TestData.Suffix()},{csvCode},高级工程师,副高级,{r.Leaf1},{r.City1},{TestData.Email()},13800001111";
        using (var content = new StringContent(csv, System.Text.Encoding.UTF8, "text/csv"))
            await Ok(Admin.PostAsync("/api/experts/import", content));
        var imported = (await Admin.GetFromJsonAsync<JsonObject>($"/api/organisations?q={csvCode}"))!["items"]![0]!["id"]!.GetValue<string>();
        (await Admin.GetFromJsonAsync<JsonArray>($"/api/organisations/{imported}/history"))!.Single()!["kind"]!.GetValue<string>().Should().Be("Created");

        await ProblemAsync(await Auditor.GetAsync($"/api/organisations/{Guid.NewGuid()}/history"), HttpStatusCode.NotFound);

        // Append-only in the database as well.
        await using var db = Factory.Database.CreateContext();
        var table = Factory.Database.Provider == ExpertPool.Domain.Persistence.DatabaseProvider.Sqlite ? "\"organisation_changes\"" : "organisation_changes";
        var updateSql = $"UPDATE {table} SET \"Name\" = 'rewritten'";
        var update = () => db.Database.ExecuteSqlRawAsync(updateSql);
        (await update.Should().ThrowAsync<Exception>()).Which.Message.Should().Contain("append-only");
        var deleteSql = $"DELETE FROM {table}";
        var delete = () => db.Database.ExecuteSqlRawAsync(deleteSql);
        (await delete.Should().ThrowAsync<Exception>()).Which.Message.Should().Contain("append-only");
        var rewrite = Factory.Database.Provider == ExpertPool.Domain.Persistence.DatabaseProvider.Sqlite
            ? $"INSERT OR REPLACE INTO {table} SELECT * FROM {table}"
            : $"TRUNCATE {table}";
        (await ((Func<Task<int>>)(() => db.Database.ExecuteSqlRawAsync(rewrite))).Should().ThrowAsync<Exception>()).Which.Message.Should().Contain("append-only");
        var orgId = Guid.Parse(org.ToString());
        (await db.OrganisationChanges.CountAsync(c => c.OrganisationId == orgId)).Should().Be(4);
    }

    [Fact]
    public async Task Enum_fields_take_names_only_not_numbers_or_lists()
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        var before = await Admin.GetFromJsonAsync<JsonObject>("/api/experts?pageSize=1");
        foreach (var channel in new[] { "99", "0", "SelfApplication, EmployerRecommendation" })
        {
            var body = JsonNode.Parse(JsonSerializer.Serialize(NewExpert(r, name: "枚举测试")))!.AsObject();
            body["joinChannel"] = channel;
            var response = await Admin.PostAsJsonAsync("/api/experts", body);
            var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
            problem["errors"]!.AsObject().Select(e => e.Key).Should().Equal(["joinChannel"], channel);
        }
        (await Admin.GetFromJsonAsync<JsonObject>("/api/experts?pageSize=1"))!["total"]!.GetValue<int>().Should().Be(before!["total"]!.GetValue<int>());

        // In JSON bodies, enum values bound by the serializer: a number is refused with the names it may be.
        var org = await CreateOrganisationAsync("枚举单位" + TestData.Suffix());
        foreach (object role in new object[] { 99, 0, "99" })
        {
            var response = await Admin.PostAsJsonAsync("/api/projects", ProjectBody("XM-ENUM-" + TestData.Suffix(), parties: [new { organisationId = org, role }]));
            var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
            var reasons = problem["errors"]!.AsObject().Single();
            reasons.Key.Should().Contain("role", role.ToString());
            reasons.Value![0]!.GetValue<string>().Should().Contain("Applicant", role.ToString());
        }
    }

    [Fact]
    public async Task A_malformed_expert_gets_a_problem_naming_each_field_and_nothing_is_stored()
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        var id = TestData.IdNumber();
        var badId = id[..17] + (id[17] == '0' ? '1' : '0');
        var before = await Admin.GetFromJsonAsync<JsonObject>("/api/experts?pageSize=1");

        var response = await Admin.PostAsJsonAsync("/api/experts", new
        {
            name = "",
            idNumber = badId,
            employerCreditCode = "91330000ABCDEFGHIO",
            title = "高级工程师",
            titleGrade = "Emperor",
            specialtyCodes = new[] { r.Leaf1 },
            regionCode = "33",
            email = "not-an-email",
            phone = "abc",
            gender = "X",
            preferredLanguage = "fr",
            joinChannel = "Lottery",
            blackouts = new[] { new { from = "2026-12-01", to = "2026-12-02", reason = new string('忙', 201) } },
        });

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem["errors"]!.AsObject();
        errors.Select(e => e.Key).Should().BeEquivalentTo("name", "idNumber", "employerCreditCode", "titleGrade", "regionCode", "email", "phone",
            "gender", "preferredLanguage", "joinChannel", "blackouts[0].reason");
        // zh-CN first, English second: every reason opens in Chinese and then says it again in English.
        errors.SelectMany(e => e.Value!.AsArray().Select(m => m!.GetValue<string>()))
            .Should().OnlyContain(m => m[0] >= '\u4e00' && m[0] <= '\u9fff' && m.Contains(" / ", StringComparison.Ordinal), "each reason is Chinese first, then English");
        problem["title"]!.GetValue<string>().Should().StartWith("请求数据有误 / ");
        errors["idNumber"]![0]!.GetValue<string>().Should().Contain("check character");
        var after = await Admin.GetFromJsonAsync<JsonObject>("/api/experts?pageSize=1");
        after!["total"]!.GetValue<int>().Should().Be(before!["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Unknown_references_are_reported_by_field()
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        var body = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(NewExpert(r)))!.AsObject();
        body["specialtyCodes"] = new JsonArray("NOPE99");
        body["regionCode"] = "999999";

        var problem = await ProblemAsync(await Admin.PostAsJsonAsync("/api/experts", body), HttpStatusCode.BadRequest);

        problem["errors"]!["specialtyCodes"]![0]!.GetValue<string>().Should().Contain("NOPE99");
        problem["errors"]!["regionCode"]![0]!.GetValue<string>().Should().Contain("999999");
    }

    [Fact]
    public async Task Broken_json_and_wrong_types_are_400_naming_the_field_not_500()
    {
        if (NotConfigured) return;
        using var broken = new StringContent("{\"name\": \"张", System.Text.Encoding.UTF8, "application/json");
        (await ProblemAsync(await Admin.PostAsync("/api/experts", broken), HttpStatusCode.BadRequest))["errors"].Should().NotBeNull();

        using var wrongType = new StringContent("{\"name\": 3}", System.Text.Encoding.UTF8, "application/json");
        var problem = await ProblemAsync(await Admin.PostAsync("/api/experts", wrongType), HttpStatusCode.BadRequest);
        problem["errors"]!.AsObject().Select(e => e.Key).Should().Contain("name");
        problem["errors"]!["name"]![0]!.GetValue<string>().Should().Be("须为字符串 / must be a string");

        // An unknown enum value names the values it may take, in the API's words (no server type names).
        var badRole = await Admin.PostAsJsonAsync("/api/projects", ProjectBody("XM-2026-" + TestData.Suffix(), parties: [new { organisationId = Guid.NewGuid(), role = "Boss" }]));
        var roleText = (await ProblemAsync(badRole, HttpStatusCode.BadRequest))["errors"]!["parties[0].role"]![0]!.GetValue<string>();
        roleText.Should().Be("须为以下取值之一：Applicant、Partner、Supplier、Other / must be one of Applicant, Partner, Supplier, Other");
        // A list of names is not one of them (it would read as the bitwise OR of the two, another role), and nothing is stored.
        var code = "XM-2026-" + TestData.Suffix();
        var listedRole = await Admin.PostAsJsonAsync("/api/projects", ProjectBody(code, parties: [new { organisationId = Guid.NewGuid(), role = "Applicant, Partner" }]));
        (await ProblemAsync(listedRole, HttpStatusCode.BadRequest))["errors"]!["parties[0].role"]![0]!.GetValue<string>().Should().StartWith("须为以下取值之一：Applicant");
        (await Admin.GetFromJsonAsync<JsonObject>($"/api/projects?q={code}"))!["items"]!.AsArray().Should().BeEmpty();

        var badQuery = await ProblemAsync(await Admin.GetAsync("/api/experts?page=x"), HttpStatusCode.BadRequest);
        badQuery["errors"]!.AsObject().Select(e => e.Key).Should().Contain("page");
        badQuery["errors"]!["page"]![0]!.GetValue<string>().Should().Be("须为整数 / must be a whole number");
        var hugePage = await ProblemAsync(await Admin.GetAsync($"/api/experts?page={int.MaxValue}"), HttpStatusCode.BadRequest);
        hugePage["errors"]!.AsObject().Select(e => e.Key).Should().Contain("page");

        using var plain = new StringContent("name=张三", System.Text.Encoding.UTF8, "text/plain");
        var unsupported = await ProblemAsync(await Admin.PostAsync("/api/experts", plain), HttpStatusCode.UnsupportedMediaType);
        unsupported["detail"]!.GetValue<string>().Should().Contain("application/json").And.Contain("请求体");

        using var nullBlackout = new StringContent("{\"name\":\"张三\",\"blackouts\":[null]}", System.Text.Encoding.UTF8, "application/json");
        var nullProblem = await ProblemAsync(await Admin.PostAsync("/api/experts", nullBlackout), HttpStatusCode.BadRequest);
        nullProblem["errors"]!.AsObject().Select(e => e.Key).Should().Contain("blackouts[0]");

        using var badDate = new StringContent("{\"termStart\":\"2026-13-45\"}", System.Text.Encoding.UTF8, "application/json");
        var dateProblem = await ProblemAsync(await Admin.PostAsync("/api/experts", badDate), HttpStatusCode.BadRequest);
        dateProblem["errors"]!.AsObject().Select(e => e.Key).Should().Contain("termStart");
    }

    [Fact]
    public async Task Duplicate_id_number_or_email_is_409_and_not_merged()
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        var first = await CreateExpertAsync(NewExpert(r));
        var sameId = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(NewExpert(r)))!.AsObject();
        sameId["idNumber"] = first["idNumber"]!.GetValue<string>();
        var sameEmail = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(NewExpert(r)))!.AsObject();
        sameEmail["email"] = first["email"]!.GetValue<string>().ToUpperInvariant();

        var p1 = await ProblemAsync(await Admin.PostAsJsonAsync("/api/experts", sameId), HttpStatusCode.Conflict);
        var p2 = await ProblemAsync(await Admin.PostAsJsonAsync("/api/experts", sameEmail), HttpStatusCode.Conflict);

        p1["field"]!.GetValue<string>().Should().Be("idNumber");
        p2["field"]!.GetValue<string>().Should().Be("email");
        p1["existingExpertId"]!.GetValue<string>().Should().Be(first["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unknown_ids_are_404()
    {
        if (NotConfigured) return;
        await ProblemAsync(await Admin.GetAsync($"/api/experts/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
        await ProblemAsync(await Admin.GetAsync($"/api/organisations/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
        await ProblemAsync(await Admin.GetAsync("/api/specialties/NOSUCH"), HttpStatusCode.NotFound);
        await ProblemAsync(await Admin.PostAsJsonAsync($"/api/experts/{Guid.NewGuid()}/status", new { status = "Active", reason = "x" }), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_update_that_leaves_out_optional_fields_keeps_them_and_an_empty_blackout_list_clears_them()
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        var body = JsonNode.Parse(JsonSerializer.Serialize(NewExpert(r)))!.AsObject();
        body["blackouts"] = new JsonArray(new JsonObject { ["from"] = "2026-12-10", ["to"] = "2026-12-12", ["reason"] = "出差" });
        body["preferredLanguage"] = "en";
        body["joinChannel"] = "EmployerRecommendation";
        var location = (await Ok(Admin.PostAsJsonAsync("/api/experts", body))).Headers.Location!;
        async Task<JsonObject> PutAsync(JsonObject update)
        {
            using var put = new HttpRequestMessage(HttpMethod.Put, location) { Content = JsonContent.Create(update) };
            put.Headers.IfMatch.ParseAdd("*");
            return (await (await Ok(Admin.SendAsync(put))).Content.ReadFromJsonAsync<JsonObject>())!;
        }

        var partial = body.DeepClone().AsObject();
        foreach (var key in new[] { "blackouts", "preferredLanguage", "joinChannel", "termStart", "termEnd" })
            partial.Remove(key);
        partial["title"] = "研究员";
        var kept = await PutAsync(partial);
        kept["title"]!.GetValue<string>().Should().Be("研究员");
        kept["blackouts"]!.AsArray().Should().ContainSingle().Which!["reason"]!.GetValue<string>().Should().Be("出差");
        kept["preferredLanguage"]!.GetValue<string>().Should().Be("en");
        kept["joinChannel"]!.GetValue<string>().Should().Be("EmployerRecommendation");
        kept["termEnd"]!.GetValue<string>().Should().Be("2028-12-31");

        partial["blackouts"] = new JsonArray();
        (await PutAsync(partial))["blackouts"]!.AsArray().Should().BeEmpty("an explicit empty list clears them");

        // One end of the term given: the other is kept.
        partial["termEnd"] = "2029-12-31";
        var extended = await PutAsync(partial);
        extended["termStart"]!.GetValue<string>().Should().Be("2026-01-01");
        extended["termEnd"]!.GetValue<string>().Should().Be("2029-12-31");
    }

    [Fact]
    public async Task Updates_need_the_current_etag_and_a_stale_one_is_412()
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        var body = NewExpert(r);
        var created = await Admin.PostAsJsonAsync("/api/experts", body);
        var location = created.Headers.Location!;
        var update = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(body))!.AsObject();
        update["title"] = "研究员";

        var withoutIfMatch = await Admin.PutAsJsonAsync(location, update);
        (await ProblemAsync(withoutIfMatch, HttpStatusCode.PreconditionRequired))["type"]!.GetValue<string>().Should().Be("https://www.rfc-editor.org/rfc/rfc6585#section-3");

        var ok = new HttpRequestMessage(HttpMethod.Put, location) { Content = JsonContent.Create(update) };
        ok.Headers.IfMatch.ParseAdd("\"v1\"");
        var updated = await Admin.SendAsync(ok);
        updated.StatusCode.Should().Be(HttpStatusCode.OK, await updated.Content.ReadAsStringAsync());
        updated.Headers.ETag!.Tag.Should().Be("\"v2\"");

        update["title"] = "教授";
        var stale = new HttpRequestMessage(HttpMethod.Put, location) { Content = JsonContent.Create(update) };
        stale.Headers.IfMatch.ParseAdd("\"v1\"");
        await ProblemAsync(await Admin.SendAsync(stale), HttpStatusCode.PreconditionFailed);

        var stored = await Admin.GetFromJsonAsync<JsonObject>(location);
        stored!["title"]!.GetValue<string>().Should().Be("研究员", "the stale write changed nothing");

        // "*" overwrites whatever is current; a list matches through any of its tags; a weak tag never matches.
        async Task<HttpResponseMessage> PutAsync(string ifMatch)
        {
            using var put = new HttpRequestMessage(HttpMethod.Put, location) { Content = JsonContent.Create(update) };
            put.Headers.TryAddWithoutValidation("If-Match", ifMatch);
            return await Admin.SendAsync(put);
        }
        (await Ok(PutAsync("*"))).Headers.ETag!.Tag.Should().Be("\"v3\"");
        (await ProblemAsync(await PutAsync("W/\"v3\""), HttpStatusCode.PreconditionFailed))["detail"]!.GetValue<string>()
            .Should().Contain("当前版本 3").And.Contain("no ETag in If-Match is the current one").And.NotContain("-1");
        (await Ok(PutAsync("\"v1\", \"v3\""))).Headers.ETag!.Tag.Should().Be("\"v4\"");
    }

    [Fact]
    public async Task Every_edit_of_an_expert_is_kept_with_the_fields_it_changed_who_made_it_and_personal_data_masked()
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        var body = JsonNode.Parse(JsonSerializer.Serialize(NewExpert(r, specialty: r.Leaf1, region: r.City1)))!.AsObject();
        var expert = await CreateExpertAsync(body);
        var url = $"/api/experts/{expert["id"]}";
        var idNumber = body["idNumber"]!.GetValue<string>();

        async Task PutAsync(JsonObject changed)
        {
            Factory.Clock.Advance(TimeSpan.FromSeconds(1));
            using var put = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(changed) };
            put.Headers.TryAddWithoutValidation("If-Match", "*");
            await Ok(Admin.SendAsync(put));
        }

        // An edit that puts the expert into another specialty and city and sends invitations elsewhere; then the same
        // body again, which changes nothing and leaves no entry; then a new blackout.
        body["specialtyCodes"] = new JsonArray(r.Leaf2, r.Leaf1);
        body["regionCode"] = r.City2;
        body["email"] = "w" + TestData.Email();
        await PutAsync(body);
        await PutAsync(body);
        body["blackouts"] = new JsonArray(new JsonObject { ["from"] = "2026-12-01", ["to"] = "2026-12-03", ["reason"] = "出差 travel" });
        await PutAsync(body);

        var history = (await Auditor.GetFromJsonAsync<JsonArray>($"{url}/history"))!;
        history.Select(h => (h!["kind"]!.GetValue<string>(), h["version"]!.GetValue<int>(), string.Join(",", h["changedFields"]!.AsArray().Select(f => f!.GetValue<string>()))))
            .Should().Equal(("Created", 1, ""), ("Updated", 2, "regionCode,specialtyCodes,email"), ("Updated", 4, "blackouts"));
        history[0]!["specialtyCodes"]!.AsArray().Select(c => c!.GetValue<string>()).Should().Equal(r.Leaf1);
        history[1]!["specialtyCodes"]!.AsArray().Select(c => c!.GetValue<string>()).Should().Equal(new[] { r.Leaf1, r.Leaf2 }.Order(StringComparer.Ordinal));
        history[1]!["regionCode"]!.GetValue<string>().Should().Be(r.City2);
        history[2]!["blackouts"]![0]!["reason"]!.GetValue<string>().Should().Be("出差 travel");
        history.Select(h => h!["changedBy"]!.GetValue<string>()).Should().OnlyContain(by => by == "admin");
        // The ID number, email and phone are kept masked: nobody reads them in full from the history.
        var text = history.ToJsonString();
        text.Should().NotContain(idNumber).And.NotContain(body["email"]!.GetValue<string>()).And.NotContain(body["phone"]!.GetValue<string>());
        history[0]!["idNumber"]!.GetValue<string>().Should().Be(idNumber[..6] + new string('*', 11) + idNumber[^1..]);
        await ProblemAsync(await Auditor.GetAsync($"/api/experts/{Guid.NewGuid()}/history"), HttpStatusCode.NotFound);

        // Append-only in the database as well.
        await using var db = Factory.Database.CreateContext();
        var table = Factory.Database.Provider == ExpertPool.Domain.Persistence.DatabaseProvider.Sqlite ? "\"expert_changes\"" : "expert_changes";
        var updateSql = $"UPDATE {table} SET \"SpecialtyCodes\" = 'rewritten'";
        (await ((Func<Task<int>>)(() => db.Database.ExecuteSqlRawAsync(updateSql))).Should().ThrowAsync<Exception>()).Which.Message.Should().Contain("append-only");
        var deleteSql = $"DELETE FROM {table}";
        (await ((Func<Task<int>>)(() => db.Database.ExecuteSqlRawAsync(deleteSql))).Should().ThrowAsync<Exception>()).Which.Message.Should().Contain("append-only");
        var rewrite = Factory.Database.Provider == ExpertPool.Domain.Persistence.DatabaseProvider.Sqlite
            ? $"INSERT OR REPLACE INTO {table} SELECT * FROM {table}"
            : $"TRUNCATE {table}";
        (await ((Func<Task<int>>)(() => db.Database.ExecuteSqlRawAsync(rewrite))).Should().ThrowAsync<Exception>()).Which.Message.Should().Contain("append-only");
    }

    [Fact]
    public async Task Status_changes_need_a_reason_follow_the_lifecycle_and_keep_history()
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        var expert = await CreateExpertAsync(NewExpert(r));
        var url = $"/api/experts/{expert["id"]}";

        await ProblemAsync(await Admin.PostAsJsonAsync($"{url}/status", new { status = "Active" }), HttpStatusCode.BadRequest);
        // The history is in time order; the test clock is frozen, so it moves on between changes as a real one would.
        Factory.Clock.Advance(TimeSpan.FromSeconds(1));
        await Ok(Admin.PostAsJsonAsync($"{url}/status", new { status = "Active", reason = "审核通过 approved" }));
        Factory.Clock.Advance(TimeSpan.FromSeconds(1));
        await Ok(Admin.PostAsJsonAsync($"{url}/status", new { status = "Suspended", reason = "两年平均分低于60" }));
        Factory.Clock.Advance(TimeSpan.FromSeconds(1));
        await Ok(Admin.PostAsJsonAsync($"{url}/status", new { status = "Removed", reason = "违规 misconduct" }));
        var backFromRemoved = await Admin.PostAsJsonAsync($"{url}/status", new { status = "Active", reason = "try" });

        await ProblemAsync(backFromRemoved, HttpStatusCode.Conflict);
        var history = await Admin.GetFromJsonAsync<JsonArray>($"{url}/status-history");
        history!.Select(h => h!["to"]!.GetValue<string>()).Should().Equal("Applied", "Active", "Suspended", "Removed");
        history![2]!["reason"]!.GetValue<string>().Should().Be("两年平均分低于60");
        history![2]!["actor"]!.GetValue<string>().Should().Be("admin");
        (await Admin.GetFromJsonAsync<JsonObject>(url))!["status"]!.GetValue<string>().Should().Be("Removed", "experts are never hard-deleted");
    }

    [Fact]
    public async Task The_list_filters_by_specialty_subtree_region_status_title_and_text_with_paging()
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        var tag = TestData.Suffix();
        var a = await CreateExpertAsync(NewExpert(r, name: "甲" + tag, specialty: r.Leaf1, region: r.City1));
        var b = await CreateExpertAsync(NewExpert(r, name: "乙" + tag, specialty: r.Leaf2, region: r.City2, titleGrade: "AssociateSenior"));
        var c = await CreateExpertAsync(NewExpert(r, name: "丙" + tag, specialty: r.Other, region: r.City1, employer: "宁波市特种设备检验研究院" + tag));
        await Ok(Admin.PostAsJsonAsync($"/api/experts/{a["id"]}/status", new { status = "Active", reason = "ok" }));

        async Task<string[]> Names(string query)
        {
            var page = await Admin.GetFromJsonAsync<JsonObject>("/api/experts?" + query);
            return page!["items"]!.AsArray().Select(i => i!["name"]!.GetValue<string>()).ToArray();
        }

        (await Names($"specialty={r.Root}")).Should().BeEquivalentTo("甲" + tag, "乙" + tag);
        (await Names($"specialty={r.Leaf2}")).Should().BeEquivalentTo("乙" + tag);
        (await Names($"region={r.Province}&q={tag}")).Should().BeEquivalentTo("甲" + tag, "乙" + tag, "丙" + tag);
        (await Names($"region={r.City2}&q={tag}")).Should().BeEquivalentTo("乙" + tag);
        (await Names($"specialty={r.Root}&status=Active")).Should().BeEquivalentTo("甲" + tag);
        (await Names($"specialty={r.Root}&titleGrade=副高级")).Should().BeEquivalentTo("乙" + tag);
        (await Names($"q=特种设备检验研究院{tag}")).Should().BeEquivalentTo("丙" + tag);

        var page1 = await Admin.GetFromJsonAsync<JsonObject>($"/api/experts?q={tag}&pageSize=2&page=1");
        var page2 = await Admin.GetFromJsonAsync<JsonObject>($"/api/experts?q={tag}&pageSize=2&page=2");
        page1!["total"]!.GetValue<int>().Should().Be(3);
        page1["items"]!.AsArray().Should().HaveCount(2);
        page2!["items"]!.AsArray().Should().HaveCount(1);
        var all = page1["items"]!.AsArray().Concat(page2["items"]!.AsArray()).Select(i => i!["id"]!.GetValue<string>());
        all.Should().BeEquivalentTo(new[] { a, b, c }.Select(x => x["id"]!.GetValue<string>()));

        await ProblemAsync(await Admin.GetAsync("/api/experts?specialty=NOSUCHCODE"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Auditors_see_id_numbers_and_phones_masked_and_cannot_write()
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        var expert = await CreateExpertAsync(NewExpert(r));
        var id = expert["idNumber"]!.GetValue<string>();
        var phone = expert["phone"]!.GetValue<string>();

        var seen = await Auditor.GetFromJsonAsync<JsonObject>($"/api/experts/{expert["id"]}");
        seen!["idNumber"]!.GetValue<string>().Should().Be(id[..6] + "***********" + id[^1..]);
        seen["phone"]!.GetValue<string>().Should().Be(phone[..3] + "****" + phone[^4..]);
        seen["email"]!.GetValue<string>().Should().NotBe(expert["email"]!.GetValue<string>());
        var listed = await Auditor.GetFromJsonAsync<JsonObject>($"/api/experts?specialty={r.Leaf1}");
        listed!["items"]![0]!["idNumber"]!.GetValue<string>().Should().Contain("***********");
        var adminSees = await Admin.GetFromJsonAsync<JsonObject>($"/api/experts/{expert["id"]}");
        adminSees!["idNumber"]!.GetValue<string>().Should().Be(id);

        (await Auditor.PostAsJsonAsync("/api/experts", NewExpert(r))).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        var noKey = await ProblemAsync(await Factory.CreateClient((string?)null).GetAsync("/api/experts"), HttpStatusCode.Unauthorized);
        noKey["detail"]!.GetValue<string>().Should().Contain("X-Api-Key").And.Contain("API 密钥");
        (await Factory.CreateClient("wrong-key").GetAsync("/api/experts")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        var forbidden = await ProblemAsync(await Auditor.PostAsJsonAsync("/api/experts", NewExpert(r)), HttpStatusCode.Forbidden);
        forbidden["title"]!.GetValue<string>().Should().Be("无权访问 / Forbidden");
    }

    [Fact]
    public async Task A_specialty_in_use_cannot_be_deleted_and_the_conflict_counts_the_experts()
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        await CreateExpertAsync(NewExpert(r, specialty: r.Leaf1));
        await CreateExpertAsync(NewExpert(r, specialty: r.Leaf1));

        var inUse = await ProblemAsync(await Admin.DeleteAsync($"/api/specialties/{r.Leaf1}"), HttpStatusCode.Conflict);
        inUse["expertCount"]!.GetValue<int>().Should().Be(2);
        var hasChildren = await ProblemAsync(await Admin.DeleteAsync($"/api/specialties/{r.Root}"), HttpStatusCode.Conflict);
        hasChildren["childCount"]!.GetValue<int>().Should().Be(2);

        (await Admin.DeleteAsync($"/api/specialties/{r.Other}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await Admin.GetAsync($"/api/specialties/{r.Other}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        var renamed = await Admin.PutAsJsonAsync($"/api/specialties/{r.Leaf2}", new { nameZh = "质量分析与改进", nameEn = "Quality analysis & improvement" });
        (await renamed.Content.ReadFromJsonAsync<JsonObject>())!["nameZh"]!.GetValue<string>().Should().Be("质量分析与改进");
        await ProblemAsync(await Admin.PostAsJsonAsync("/api/specialties", new { code = r.Leaf2, nameZh = "x", nameEn = "x" }), HttpStatusCode.Conflict);
        await ProblemAsync(await Admin.PostAsJsonAsync("/api/specialties", new { code = "bad code!", nameZh = "", nameEn = "x" }), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Organisations_keep_aliases_reject_bad_credit_codes_and_cannot_be_deleted_while_employing_experts()
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        var code = TestData.CreditCode();
        var alias = "浙江质科院" + TestData.Suffix();
        var created = await Admin.PostAsJsonAsync("/api/organisations", new { name = "浙江省质量科学研究院", creditCode = code, aliases = new[] { alias } });
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        var org = (await created.Content.ReadFromJsonAsync<JsonObject>())!;
        org["aliases"]!.AsArray().Select(a => a!.GetValue<string>()).Should().Equal(alias);

        var bad = await ProblemAsync(await Admin.PostAsJsonAsync("/api/organisations", new { name = "x", creditCode = code[..17] + (code[17] == '0' ? '1' : '0') }), HttpStatusCode.BadRequest);
        bad["errors"]!["creditCode"].Should().NotBeNull();
        await ProblemAsync(await Admin.PostAsJsonAsync("/api/organisations", new { name = "again", creditCode = code }), HttpStatusCode.Conflict);

        var found = await Admin.GetFromJsonAsync<JsonObject>($"/api/organisations?q={Uri.EscapeDataString(alias)}");
        found!["total"]!.GetValue<int>().Should().Be(1);

        await CreateExpertAsync(NewExpert(r, creditCode: code));
        var blocked = await ProblemAsync(await Admin.DeleteAsync($"/api/organisations/{org["id"]}"), HttpStatusCode.Conflict);
        blocked["expertCount"]!.GetValue<int>().Should().Be(1);

        var spare = await Admin.PostAsJsonAsync("/api/organisations", new { name = "空壳单位", creditCode = TestData.CreditCode() });
        var spareId = (await spare.Content.ReadFromJsonAsync<JsonObject>())!["id"];
        (await Admin.DeleteAsync($"/api/organisations/{spareId}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task Csv_import_is_all_or_nothing_and_reports_every_bad_row_by_line_and_column()
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        var code = TestData.CreditCode();
        string Row(string name, string? id = null, string? specialty = null, string? email = null) =>
            $"{name},{id ?? TestData.IdNumber()},杭州检测院,{code},高级工程师,副高级,{specialty ?? r.Leaf1},{r.City1},{email ?? TestData.Email()},13800001111";
        const string header = "姓名,身份证号,工作单位,统一社会信用代码,职称,职称级别,专业代码,行政区划代码,邮箱,电话";
        var dupEmail = TestData.Email();
        var goodId = TestData.IdNumber();
        var bad = string.Join("\n", header, Row("甲"), Row("乙", id: goodId[..17] + (goodId[17] == '0' ? '1' : '0')), Row("丙", specialty: "NOPE"), Row("丁", email: dupEmail), Row("戊", email: dupEmail));
        var before = (await Admin.GetFromJsonAsync<JsonObject>($"/api/experts?specialty={r.Root}"))!["total"]!.GetValue<int>();

        using var badContent = new StringContent(bad, System.Text.Encoding.UTF8, "text/csv");
        var problem = await ProblemAsync(await Admin.PostAsync("/api/experts/import", badContent), HttpStatusCode.BadRequest);

        var rows = problem["rowErrors"]!.AsArray();
        rows.Select(e => (e!["line"]!.GetValue<int>(), e["column"]!.GetValue<string>())).Should().BeEquivalentTo(new[] { (3, "身份证号"), (4, "专业代码"), (6, "邮箱") });
        (await Admin.GetFromJsonAsync<JsonObject>($"/api/experts?specialty={r.Root}"))!["total"]!.GetValue<int>().Should().Be(before, "nothing is written when any row is bad");

        var tag = TestData.Suffix();
        var good = "\uFEFF" + string.Join("\r\n", header, Row("张伟🙂" + tag), Row("李娜 Li Na" + tag));
        using var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(good)), "file", "experts.csv");
        var imported = await Ok(Admin.PostAsync("/api/experts/import", form));
        (await imported.Content.ReadFromJsonAsync<JsonObject>())!["imported"]!.GetValue<int>().Should().Be(2);
        var names = (await Admin.GetFromJsonAsync<JsonObject>($"/api/experts?q={tag}"))!["items"]!.AsArray().Select(i => i!["name"]!.GetValue<string>());
        names.Should().BeEquivalentTo("张伟🙂" + tag, "李娜 Li Na" + tag);
    }

    [Fact]
    public async Task Csv_export_masks_personal_data_unless_an_administrator_asks_for_it()
    {
        if (NotConfigured) return;
        var r = await CreateReferenceAsync();
        var expert = await CreateExpertAsync(NewExpert(r, name: "赵敏"));
        var id = expert["idNumber"]!.GetValue<string>();

        var masked = await (await Ok(Auditor.GetAsync($"/api/experts/export.csv?specialty={r.Root}"))).Content.ReadAsStringAsync();
        var full = await (await Ok(Admin.GetAsync($"/api/experts/export.csv?specialty={r.Root}&includePersonalData=true&lang=en"))).Content.ReadAsStringAsync();
        var forbidden = await Auditor.GetAsync($"/api/experts/export.csv?specialty={r.Root}&includePersonalData=true");

        masked.Should().Contain("赵敏").And.Contain(id[..6] + "***********" + id[^1..]).And.NotContain(id);
        masked.Split('\n')[0].Should().Contain("姓名");
        full.Should().Contain(id).And.Contain(expert["phone"]!.GetValue<string>());
        full.Split('\n')[0].Should().Contain("idNumber");
        forbidden.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Health_reports_the_database_and_the_openapi_document_is_served()
    {
        if (NotConfigured) return;
        var client = Factory.CreateClient((string?)null);
        var health = await client.GetAsync("/health");
        health.StatusCode.Should().Be(HttpStatusCode.OK);
        (await health.Content.ReadAsStringAsync()).Should().Be("Healthy");
        var doc = await client.GetFromJsonAsync<JsonObject>("/openapi/v1.json");
        doc!["paths"]!.AsObject().Select(p => p.Key).Should().Contain(["/api/experts", "/api/experts/{id}", "/api/specialties"]);
        (await client.GetAsync("/swagger/index.html")).StatusCode.Should().Be(HttpStatusCode.OK);
    }
}

public sealed class SqliteRegistryApiTests(SqliteApiFactory factory, ITestOutputHelper output) : RegistryApiTests<SqliteApiFactory>(factory, output);

public sealed class PostgresRegistryApiTests(PostgresApiFactory factory, ITestOutputHelper output) : RegistryApiTests<PostgresApiFactory>(factory, output);
