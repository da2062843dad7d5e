/// Answers captured from a real privacyIDEA 3.14 (PyPI, SQLite, LDAP resolver on the test slapd), started
/// by scripts/privacyidea/start.sh, with curl on 2026-11-22. Only the RSA signature is shortened.
enum PrivacyIDEAFixtures {
    /// `POST /validate/check user=alice pass=<current TOTP code>`.
    static let accept = """
        {"detail": {"message": "matching 1 tokens", "otplen": 6, "serial": "TOTP-alice", "threadid": 140296520197824, \
        "type": "totp"}, "id": 2, "jsonrpc": "2.0", "result": {"authentication": "ACCEPT", "status": true, \
        "value": true}, "signature": "rsa_sha256_pss:10ee09ad1910698dd9bb834d5...", "time": 1795319549.2021136, \
        "version": "privacyIDEA 3.14", "versionnumber": "3.14"}
        """

    /// `POST /validate/check user=alice pass=000000`.
    static let wrongCode = """
        {"detail": {"message": "wrong otp value", "otplen": 6, "serial": "TOTP-alice", "threadid": 140296520197824, \
        "type": "totp"}, "id": 2, "jsonrpc": "2.0", "result": {"authentication": "REJECT", "status": true, \
        "value": false}, "signature": "rsa_sha256_pss:2fef83e02fdb05485918eb9fe...", "time": 1795319549.3992298, \
        "version": "privacyIDEA 3.14", "versionnumber": "3.14"}
        """

    /// `POST /validate/check user=carol pass=000000` (carol exists in LDAP, has no token).
    static let noToken = """
        {"detail": {"message": "The user has no tokens assigned", "threadid": 140296520197824}, "id": 2, \
        "jsonrpc": "2.0", "result": {"authentication": "REJECT", "status": true, "value": false}, \
        "signature": "rsa_sha256_pss:357d070afa558129c4504ad13...", "time": 1795319549.733378, \
        "version": "privacyIDEA 3.14", "versionnumber": "3.14"}
        """

    /// `POST /validate/check user=nobody pass=000000` (HTTP 400).
    static let unknownUser = """
        {"detail": null, "id": 1, "jsonrpc": "2.0", "result": {"error": {"code": 904, \
        "message": "ERR904: User <nobody@example> does not exist."}, "status": false}, \
        "signature": "rsa_sha256_pss:aa39d29a4546e0a0828ba1cbb...", "time": 1795319549.9644969, \
        "version": "privacyIDEA 3.14"}
        """

    /// `POST /validate/check user=carol pass=123456` while the resolver's slapd was stopped (HTTP 400, after 20 s).
    static let resolverDown = """
        {"detail": null, "id": 1, "jsonrpc": "2.0", "result": {"error": {"code": 907, \
        "message": "ERR907: Error performing bind operation: no active server available in server pool after \
        maximum number of tries"}, "status": false}, "signature": "rsa_sha256_pss:2f893c0fd5bb672bedd6c3ff1...", \
        "time": 1795318846.549278, "version": "privacyIDEA 3.14"}
        """

    /// `POST /validate/check user=alice` without `pass` (HTTP 500).
    static let internalError = """
        {"detail": null, "id": 1, "jsonrpc": "2.0", "result": {"error": {"code": -500, "message": "500 Internal \
        Server Error: The server encountered an internal error and was unable to complete your request. Either the \
        server is overloaded or there is an error in the application."}, "status": false}, \
        "signature": "rsa_sha256_pss:33d33719ab05c66d6f0a6d6eb...", "time": 1795319550.2231586, \
        "version": "privacyIDEA 3.14"}
        """

    /// `POST /validate/check user=user0001 pass=` (a poll-only push token, no PIN).
    static let pushChallenge = """
        {"detail": {"attributes": {"hideResponseInput": true}, "client_mode": "poll", "message": "Please confirm \
        the authentication on your mobile device!", "messages": ["Please confirm the authentication on your mobile \
        device!"], "multi_challenge": [{"attributes": {"hideResponseInput": true}, "client_mode": "poll", \
        "message": "Please confirm the authentication on your mobile device!", "serial": "PUSH-user0001", \
        "transaction_id": "17300552231067049194", "type": "push"}], "preferred_client_mode": "poll", \
        "serial": "PUSH-user0001", "threadid": 140296520197824, "transaction_id": "17300552231067049194", \
        "transaction_ids": ["17300552231067049194"], "type": "push"}, "id": 2, "jsonrpc": "2.0", \
        "result": {"authentication": "CHALLENGE", "status": true, "value": false}, \
        "signature": "rsa_sha256_pss:3a3e0250566099960344738d0...", "time": 1795319550.5512164, \
        "version": "privacyIDEA 3.14", "versionnumber": "3.14"}
        """

    /// `POST /validate/check user=alice pass=` with the policy `challenge_response=totp`.
    static let totpChallenge = """
        {"detail": {"client_mode": "interactive", "message": "please enter otp: ", "messages": ["please enter \
        otp: "], "multi_challenge": [{"client_mode": "interactive", "message": "please enter otp: ", \
        "serial": "TOTP-alice", "transaction_id": "14815386219555398736", "type": "totp"}], \
        "preferred_client_mode": "interactive", "serial": "TOTP-alice", "threadid": 140296520197824, \
        "transaction_id": "14815386219555398736", "transaction_ids": ["14815386219555398736"], "type": "totp"}, \
        "id": 2, "jsonrpc": "2.0", "result": {"authentication": "CHALLENGE", "status": true, "value": false}, \
        "signature": "rsa_sha256_pss:851f0a667cdecf6b1eab450a6...", "time": 1795319554.3436794, \
        "version": "privacyIDEA 3.14", "versionnumber": "3.14"}
        """

    /// `GET /validate/polltransaction?transaction_id=...` before the phone answered.
    static let pollPending = """
        {"detail": {"challenge_status": "pending", "threadid": 140296520197824}, "id": 2, "jsonrpc": "2.0", \
        "result": {"authentication": "REJECT", "status": true, "value": false}, \
        "signature": "rsa_sha256_pss:03ac41445b3584061ae44dbcf...", "time": 1795319551.0695355, \
        "version": "privacyIDEA 3.14", "versionnumber": "3.14"}
        """

    /// The same after the phone approved (`POST /ttype/push` with the signed nonce).
    static let pollAccepted = """
        {"detail": {"challenge_status": "accept", "threadid": 140296520197824}, "id": 2, "jsonrpc": "2.0", \
        "result": {"authentication": "ACCEPT", "status": true, "value": true}, \
        "signature": "rsa_sha256_pss:81f122b85b9d9fa425492f765...", "time": 1795319551.9209635, \
        "version": "privacyIDEA 3.14", "versionnumber": "3.14"}
        """

    /// The same after the phone declined.
    static let pollDeclined = """
        {"detail": {"challenge_status": "declined", "threadid": 140296520197824}, "id": 2, "jsonrpc": "2.0", \
        "result": {"authentication": "DECLINED", "status": true, "value": false}, \
        "signature": "rsa_sha256_pss:362d32e5a22321b3d803d3e00...", "time": 1795319553.4024296, \
        "version": "privacyIDEA 3.14", "versionnumber": "3.14"}
        """

    /// `POST /validate/check user=user0001 transaction_id=... pass=` after the phone approved.
    static let pushFinalised = """
        {"detail": {"message": "Found matching challenge", "serial": "PUSH-user0001", "threadid": 140296520197824}, \
        "id": 2, "jsonrpc": "2.0", "result": {"authentication": "ACCEPT", "status": true, "value": true}, \
        "signature": "rsa_sha256_pss:64a3dba7a1301065d0c25ee1b...", "time": 1795319552.1762023, \
        "version": "privacyIDEA 3.14", "versionnumber": "3.14"}
        """

    /// The same after the phone declined.
    static let declinedFinalised = """
        {"detail": {"message": "Response did not match the challenge.", "serial": "PUSH-user0001", \
        "threadid": 140296520197824, "type": "push"}, "id": 2, "jsonrpc": "2.0", "result": {"authentication": \
        "REJECT", "status": true, "value": false}, "signature": "rsa_sha256_pss:99a084d19e8b35f4a87e2839c...", \
        "time": 1795319553.6904, "version": "privacyIDEA 3.14", "versionnumber": "3.14"}
        """
}
