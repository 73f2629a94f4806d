"""The BPMN engine behind the workflow services: SpiffWorkflow with a restricted evaluator.

Nothing outside ``tongban.workflow`` imports these modules; the services and selectors are the
app's interface.
"""
